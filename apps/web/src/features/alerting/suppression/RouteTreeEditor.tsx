import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useState } from 'react';
import { MatchersEditor } from './MatchersEditor';
import { formatMatcherText, type MatcherRow } from './matcher-text';
import {
  addRoute,
  type EditableRoute,
  type EffectiveRoute,
  effective,
  isDuration,
  moveRoute,
  type RoutePatch,
  type RoutingDraft,
  readRoutingDraft,
  removeRoute,
  updateRoute,
} from './route-tree-edit';

/** Props of `RouteTreeEditor`. */
export interface RouteTreeEditorProps {
  /** The YAML being edited (the page's text box). */
  yaml: string;
  /** Called with the whole YAML after a change made in the tree. */
  onChange: (yaml: string) => void;
}

/**
 * The route tree of the YAML being edited, with a form per route: matchers, receiver, grouping, timers, `continue`
 * and time intervals; child routes added, moved and removed. Every change is written into the YAML (and shows there),
 * so the text and the tree never disagree; Save stores it as before.
 */
export function RouteTreeEditor({ yaml, onChange }: RouteTreeEditorProps) {
  const draft = readRoutingDraft(yaml);
  const [editing, setEditing] = useState<number[] | null>(null);
  if ('error' in draft) {
    return (
      <Alert color="gray" title="The tree cannot be shown" data-testid="route-editor-error">
        {draft.error} Fix it in the YAML.
      </Alert>
    );
  }
  const change = (edit: () => string) => onChange(edit());
  const routeAt = (path: number[]) => path.reduce<EditableRoute | undefined>((route, index) => route?.children[index], draft.root);
  const chain = (path: number[]) => {
    let inherited: EffectiveRoute | undefined;
    for (let depth = 0; depth < path.length; depth++) {
      const route = routeAt(path.slice(0, depth));
      if (route) inherited = effective(route, inherited);
    }
    return inherited;
  };
  const editedRoute = editing ? routeAt(editing) : undefined;
  return (
    <Stack gap={4} data-testid="route-editor">
      <RouteNode route={draft.root} siblings={1} onEdit={setEditing} change={change} yaml={yaml} />
      {editing && editedRoute && (
        <RouteForm
          key={editing.join('.')}
          route={editedRoute}
          inherited={chain(editing)}
          draft={draft}
          onClose={() => setEditing(null)}
          onApply={(patch) => {
            onChange(updateRoute(yaml, editing, patch));
            setEditing(null);
          }}
        />
      )}
    </Stack>
  );
}

function label(path: number[]): string {
  return path.length === 0 ? 'route' : `route.${path.map((index) => `routes[${index}]`).join('.')}`;
}

function RouteNode({
  route,
  parent,
  siblings,
  onEdit,
  change,
  yaml,
}: {
  route: EditableRoute;
  parent?: EffectiveRoute;
  siblings: number;
  onEdit: (path: number[]) => void;
  change: (edit: () => string) => void;
  yaml: string;
}) {
  const values = effective(route, parent);
  const index = route.path[route.path.length - 1] ?? 0;
  const isRoot = route.path.length === 0;
  return (
    <>
      <Group
        gap={6}
        pl={route.path.length * 20}
        wrap="wrap"
        data-testid="route-editor-node"
        data-path={label(route.path)}
        style={{ borderLeft: isRoot ? undefined : '2px solid var(--mantine-color-gray-4)' }}
      >
        <Code>{isRoot ? 'every alert' : route.matchers === null ? '(matchers as written)' : formatMatcherText(route.matchers)}</Code>
        <Text size="sm">→</Text>
        <Badge variant={route.receiver ? 'filled' : 'light'} styles={{ label: { textTransform: 'none' } }}>
          {values.receiver || '(none)'}
        </Badge>
        {route.continue && (
          <Badge variant="outline" color="grape" size="sm">
            continue
          </Badge>
        )}
        <Text size="xs" c="dimmed">
          by {values.groupBy.join(', ') || 'nothing'} · {values.groupWait}/{values.groupInterval}/{values.repeatInterval}
        </Text>
        <Group gap={2} ml="auto" wrap="nowrap">
          <Button size="compact-xs" variant="subtle" onClick={() => onEdit(route.path)} data-testid="route-edit">
            Edit
          </Button>
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => change(() => addRoute(yaml, route.path, []))}
            data-testid="route-add-child"
          >
            Add child
          </Button>
          {!isRoot && (
            <>
              <Tooltip label="Move up: the first matching sibling takes the alert">
                <ActionIcon
                  size="sm"
                  variant="subtle"
                  color="gray"
                  disabled={index === 0}
                  aria-label={`Move ${label(route.path)} up`}
                  onClick={() => change(() => moveRoute(yaml, route.path, -1))}
                >
                  ↑
                </ActionIcon>
              </Tooltip>
              <ActionIcon
                size="sm"
                variant="subtle"
                color="gray"
                disabled={index === siblings - 1}
                aria-label={`Move ${label(route.path)} down`}
                onClick={() => change(() => moveRoute(yaml, route.path, 1))}
              >
                ↓
              </ActionIcon>
              <ActionIcon
                size="sm"
                variant="subtle"
                color="red"
                aria-label={`Remove ${label(route.path)}`}
                onClick={() => change(() => removeRoute(yaml, route.path))}
                data-testid="route-remove"
              >
                ×
              </ActionIcon>
            </>
          )}
        </Group>
      </Group>
      {route.children.map((child) => (
        <RouteNode
          key={label(child.path)}
          route={child}
          parent={values}
          siblings={route.children.length}
          onEdit={onEdit}
          change={change}
          yaml={yaml}
        />
      ))}
    </>
  );
}

function RouteForm({
  route,
  inherited,
  draft,
  onClose,
  onApply,
}: {
  route: EditableRoute;
  inherited: EffectiveRoute | undefined;
  draft: RoutingDraft;
  onClose: () => void;
  onApply: (patch: RoutePatch) => void;
}) {
  const isRoot = route.path.length === 0;
  const [matchers, setMatchers] = useState<MatcherRow[]>(route.matchers ?? []);
  const [receiver, setReceiver] = useState<string | null>(route.receiver ?? null);
  const [groupBy, setGroupBy] = useState<string[] | undefined>(route.groupBy);
  const [timers, setTimers] = useState({
    groupWait: route.groupWait ?? '',
    groupInterval: route.groupInterval ?? '',
    repeatInterval: route.repeatInterval ?? '',
  });
  const [continues, setContinues] = useState(route.continue);
  const [muted, setMuted] = useState(route.muteTimeIntervals);
  const [active, setActive] = useState(route.activeTimeIntervals);
  const timerError = (value: string) => (value === '' || isDuration(value) ? undefined : 'A duration such as 30s, 5m or 4h');
  const invalid = Object.values(timers).some((value) => timerError(value) !== undefined) || (isRoot && !receiver);
  const inheritedTimers = inherited ?? { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' };
  const timerField = (key: keyof typeof timers, title: string) => (
    <TextInput
      label={title}
      placeholder={isRoot ? `default ${inheritedTimers[key]}` : `inherits ${inheritedTimers[key]}`}
      value={timers[key]}
      onChange={(event) => setTimers({ ...timers, [key]: event.currentTarget.value.trim() })}
      error={timerError(timers[key])}
      data-testid={`route-${key}`}
    />
  );
  return (
    <Modal opened onClose={onClose} title={isRoot ? 'The root route (every alert)' : `Route ${label(route.path)}`} size="lg">
      <Stack gap="sm" data-testid="route-form">
        {!isRoot &&
          (route.matchers === null ? (
            <Alert color="gray">These matchers are in a form the editor does not read; change them in the YAML.</Alert>
          ) : (
            <MatchersEditor value={matchers} onChange={setMatchers} />
          ))}
        <Select
          label="Receiver"
          description={isRoot ? 'Where alerts go when no child route takes them.' : `Empty: inherits ${inherited?.receiver || 'none'}.`}
          data={draft.receivers}
          value={receiver}
          onChange={setReceiver}
          clearable={!isRoot}
          data-testid="route-receiver"
        />
        <Switch
          label="Own grouping"
          description={
            groupBy === undefined
              ? `Inherits: ${(inherited?.groupBy ?? []).join(', ') || 'nothing'}`
              : 'Alerts with equal values of these labels share a notification; ... groups by every label.'
          }
          checked={groupBy !== undefined}
          onChange={(event) => setGroupBy(event.currentTarget.checked ? (inherited?.groupBy ?? ['alertname']) : undefined)}
        />
        {groupBy !== undefined && <TagsInput label="Group by" value={groupBy} onChange={setGroupBy} data-testid="route-group-by" />}
        <Group grow align="flex-start">
          {timerField('groupWait', 'Group wait')}
          {timerField('groupInterval', 'Group interval')}
          {timerField('repeatInterval', 'Repeat interval')}
        </Group>
        {!isRoot && (
          <Switch
            label="Continue"
            description="Alerts this route takes also go on to its later siblings."
            checked={continues}
            onChange={(event) => setContinues(event.currentTarget.checked)}
            data-testid="route-continue"
          />
        )}
        {draft.timeIntervals.length > 0 && (
          <Group grow align="flex-start">
            <MultiSelect label="Muted during" data={draft.timeIntervals} value={muted} onChange={setMuted} />
            <MultiSelect label="Active only during" data={draft.timeIntervals} value={active} onChange={setActive} />
          </Group>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={invalid}
            onClick={() =>
              onApply({
                ...(isRoot || route.matchers === null ? {} : { matchers }),
                receiver: receiver ?? undefined,
                groupBy,
                groupWait: timers.groupWait || undefined,
                groupInterval: timers.groupInterval || undefined,
                repeatInterval: timers.repeatInterval || undefined,
                ...(isRoot ? {} : { continue: continues }),
                muteTimeIntervals: muted,
                activeTimeIntervals: active,
              })
            }
            data-testid="route-apply"
          >
            Apply to the YAML
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
