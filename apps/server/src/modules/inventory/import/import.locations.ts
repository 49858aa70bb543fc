/** The location types of a chain, outermost first. */
export const CHAIN_TYPES = ['site', 'room', 'rack'] as const;
export type ChainType = (typeof CHAIN_TYPES)[number];

/** The names of a row's location chain; any link may be missing (a device in a site without rack). */
export type LocationChain = Partial<Record<ChainType, string>>;

/** A site, room or rack CI and the CI it is located in. */
export interface LocationCi {
  id: string;
  type: string;
  name: string;
  locationId: string | null;
}

/** A location the import creates: its reference in the plan, and its parent as an id or another step's reference. */
export interface ChainStep {
  ref: string;
  type: ChainType;
  name: string;
  parentId: string | null;
  parentRef: string | null;
  /** The parent's name, for the report. */
  parentName: string | null;
}

/** Where a chain ends: an existing CI's id, or the reference of a step the import creates first. */
export type ChainEnd = { id: string; steps: ChainStep[] } | { ref: string; steps: ChainStep[] };

/** A link already resolved: an existing CI or a planned step. */
type Node = { kind: 'existing'; id: string; name: string; ref: string } | { kind: 'new'; step: ChainStep; name: string; ref: string };

const fold = (s: string) => s.trim().toLowerCase();

/**
 * Resolves site → room → rack chains of names against the store's locations, planning the locations to create.
 * A link is the existing CI of its type located in its parent with its name, or with `<name> (<parent>)` (the name a
 * link gets when another CI of its type has its name already: rack names repeat across sites, CI names may not); a
 * site (or a chain's first link) is found by name alone. A link under a link the import creates is created too. The
 * same chain always resolves to the same steps, so rows sharing a rack share its creation. Pure over its inputs.
 */
export class LocationChains {
  private readonly children = new Map<string, LocationCi[]>();
  private readonly byType = new Map<string, LocationCi[]>();
  private readonly planned = new Map<string, Node>();
  /** Names planned steps take, per type, so two new racks never get the same name. */
  private readonly plannedNames = new Map<string, Set<string>>();

  constructor(locations: readonly LocationCi[]) {
    for (const l of locations) {
      this.byType.set(l.type, [...(this.byType.get(l.type) ?? []), l]);
      const parent = l.locationId ?? '';
      this.children.set(parent, [...(this.children.get(parent) ?? []), l]);
    }
  }

  /** The chain's end (its innermost link), or null for an empty chain. Plans the steps its new links need. */
  resolve(chain: LocationChain): ChainEnd | null {
    let parent: Node | null = null;
    const steps: ChainStep[] = [];
    for (const type of CHAIN_TYPES) {
      const name = chain[type]?.trim();
      if (!name) continue;
      const node = this.link(type, name, parent);
      if (node.kind === 'new' && !steps.includes(node.step)) steps.push(node.step);
      parent = node;
    }
    if (parent === null) return null;
    return parent.kind === 'existing' ? { id: parent.id, steps } : { ref: parent.ref, steps };
  }

  /**
   * Where a location row itself goes (a rack of a rack export): the existing CI of `type` named `name` under the
   * chain `parents`, or the name to create it with and its parent. Plans the parents' new links.
   */
  place(
    type: ChainType,
    name: string,
    parents: LocationChain,
  ): { ref: string; existingId: string | null; name: string; parent: ChainEnd | null } {
    const parent = this.resolve(parents);
    const parentNode = parent === null ? null : (this.planned.get(this.refOf(parent)) ?? null);
    const ref = `${parentNode?.ref ?? ''}/${type}:${fold(name)}`;
    const known = this.planned.get(ref);
    if (known) return { ref, existingId: known.kind === 'existing' ? known.id : null, name: known.name, parent };
    const node = this.link(type, name, parentNode);
    return { ref, existingId: node.kind === 'existing' ? node.id : null, name: node.name, parent };
  }

  private refOf(end: ChainEnd): string {
    return 'id' in end ? `id:${end.id}` : end.ref;
  }

  private link(type: ChainType, name: string, parent: Node | null): Node {
    const ref = `${parent?.ref ?? ''}/${type}:${fold(name)}`;
    const known = this.planned.get(ref);
    if (known) return known;
    const found = parent?.kind === 'new' ? undefined : this.find(type, name, parent);
    let node: Node;
    if (found) {
      node = { kind: 'existing', id: found.id, name: found.name, ref };
      this.planned.set(`id:${found.id}`, node);
    } else {
      const step: ChainStep = {
        ref,
        type,
        name: this.freeName(type, name, parent),
        parentId: parent?.kind === 'existing' ? parent.id : null,
        parentRef: parent?.kind === 'new' ? parent.ref : null,
        parentName: parent?.name ?? null,
      };
      node = { kind: 'new', step, name: step.name, ref };
    }
    this.planned.set(ref, node);
    return node;
  }

  /** The existing CI of `type` for `name` under `parent` (any parent when there is none and the name is unique). */
  private find(type: ChainType, name: string, parent: Node | null): LocationCi | undefined {
    const wanted = fold(name);
    if (parent === null) {
      const named = (this.byType.get(type) ?? []).filter((l) => fold(l.name) === wanted);
      return named.length === 1 ? named[0] : named.find((l) => l.locationId === null);
    }
    if (parent.kind !== 'existing') return undefined;
    const qualified = fold(`${name} (${parent.name})`);
    return (this.children.get(parent.id) ?? []).find((l) => l.type === type && (fold(l.name) === wanted || fold(l.name) === qualified));
  }

  /** `name` when no CI of the type has it (nor a planned one), else `<name> (<parent>)`, then numbered. */
  private freeName(type: ChainType, name: string, parent: Node | null): string {
    const taken = new Set([...(this.byType.get(type) ?? []).map((l) => fold(l.name)), ...(this.plannedNames.get(type) ?? [])]);
    const candidates = [name, ...(parent ? [`${name} (${parent.name})`] : [])];
    let chosen = candidates.find((c) => !taken.has(fold(c)));
    for (let n = 2; chosen === undefined; n++) {
      const numbered = `${candidates[candidates.length - 1]} ${n}`;
      if (!taken.has(fold(numbered))) chosen = numbered;
    }
    this.plannedNames.set(type, new Set([...(this.plannedNames.get(type) ?? []), fold(chosen)]));
    return chosen;
  }
}
