/*
 * Calendar feeds: tokens that let a calendar app read one schedule's feed or one user's feed, and nothing else. The
 * token is shown once; only its SHA-256 is stored. A token stops working when revoked or when its creator is
 * disabled. Creating and revoking are audited; the token never is.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CreatedFeedToken, CreateFeedTokenRequest, FeedToken } from '@estate/contract';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { withTransaction } from '../../../platform/db/transaction';
import { problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { personCalendar, renderCalendar, scheduleCalendar } from './ical';
import type { FeedTokenRow, OnCallRepository } from './oncall.repository';
import { scheduleOf } from './schedule.service';
import { validateSchedule } from './schedule-validation';

const DAY_MS = 86_400_000;
/** A feed covers a week back and two months ahead. */
const FEED_BACK_MS = 7 * DAY_MS;
const FEED_AHEAD_MS = 62 * DAY_MS;

export interface CalendarFeedServiceDeps {
  repo: OnCallRepository;
  audit: AuditLog;
  now: () => number;
  /** Estate's public URL; absent: feed URLs are relative. */
  publicUrl?: string;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function present(row: FeedTokenRow): FeedToken {
  return {
    id: row.id,
    kind: row.kind as FeedToken['kind'],
    subjectId: row.subject_id,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

/** Feed tokens and the feeds they open. */
export class CalendarFeedService {
  constructor(private readonly deps: CalendarFeedServiceDeps) {}

  private get repo(): OnCallRepository {
    return this.deps.repo;
  }

  /** The path of a feed, with its token. */
  feedUrl(kind: 'user' | 'schedule', subjectId: string, token: string): string {
    const base = (this.deps.publicUrl ?? '').replace(/\/$/, '');
    const collection = kind === 'user' ? 'users' : 'schedules';
    return `${base}/api/v1/${collection}/${subjectId}/calendar.ics?token=${encodeURIComponent(token)}`;
  }

  /** The caller's tokens, newest first. */
  async list(userId: string): Promise<FeedToken[]> {
    return (await this.repo.feedTokensOf(userId)).map(present);
  }

  /** A new token for the caller's own feed or a schedule's; the secret and URL are answered once. */
  async create(userId: string, request: CreateFeedTokenRequest, ctx: ActionContext): Promise<CreatedFeedToken> {
    if (request.kind === 'schedule' && request.scheduleId === undefined) {
      throw problems.validation('A schedule feed names its schedule.', [{ path: 'scheduleId', message: 'required for a schedule feed' }]);
    }
    if (request.kind === 'user' && request.scheduleId !== undefined) {
      throw problems.validation('Your own feed names no schedule.', [{ path: 'scheduleId', message: 'only for a schedule feed' }]);
    }
    const subjectId = request.kind === 'schedule' ? (request.scheduleId as string) : userId;
    if (request.kind === 'schedule' && !(await this.repo.getSchedule(subjectId))) throw problems.notFound('The schedule');
    const secret = randomBytes(32).toString('base64url');
    const row: FeedTokenRow = {
      id: newId(),
      kind: request.kind,
      subject_id: subjectId,
      token_hash: hashToken(secret),
      created_by: userId,
      created_at: this.deps.now(),
      revoked_at: null,
    };
    const token = present(row);
    await withTransaction(this.repo.db, async (trx) => {
      await this.repo.with(trx).insertFeedToken(row);
      await this.deps.audit.append(trx, ctx, {
        action: 'oncall.feed_token.create',
        targetType: 'feed_token',
        targetId: row.id,
        after: token,
      });
    });
    return { token, secret, url: this.feedUrl(request.kind, subjectId, secret) };
  }

  /** Revokes a token of the caller's (or any token, for `mayRevokeAny`); 404 for another's. */
  async revoke(userId: string, id: string, mayRevokeAny: boolean, ctx: ActionContext): Promise<void> {
    await withTransaction(this.repo.db, async (trx) => {
      const repo = this.repo.with(trx);
      const row = await repo.getFeedToken(id);
      if (!row || (row.created_by !== userId && !mayRevokeAny)) throw problems.notFound('The feed token');
      if (row.revoked_at !== null) return;
      const at = this.deps.now();
      await repo.revokeFeedToken(id, at);
      await this.deps.audit.append(trx, ctx, {
        action: 'oncall.feed_token.revoke',
        targetType: 'feed_token',
        targetId: id,
        before: present(row),
        after: present({ ...row, revoked_at: at }),
      });
    });
  }

  /** The feed `token` opens, as iCalendar text; 404 for a wrong, revoked or missing token (nothing said about which). */
  async feed(kind: 'user' | 'schedule', subjectId: string, token: string | undefined): Promise<string> {
    const found = token ? await this.repo.liveFeedToken(kind, subjectId, hashToken(token)) : undefined;
    if (!found) throw problems.notFound('The calendar feed');
    const now = this.deps.now();
    const range = { from: now - FEED_BACK_MS, to: now + FEED_AHEAD_MS, generatedAt: now };
    if (kind === 'schedule') {
      const row = await this.repo.getSchedule(subjectId);
      if (!row) throw problems.notFound('The calendar feed');
      const schedule = scheduleOf(row, this.repo.dialect);
      const users = new Map(
        (
          await this.repo.usersByIds(
            schedule.layers.flatMap((l) => l.rotation.participants).concat((schedule.overrides ?? []).map((o) => o.person)),
          )
        ).map((u) => [u.id, u.name]),
      );
      const calendar =
        validateSchedule(schedule).errors.length > 0
          ? { name: `On call: ${schedule.name}`, generatedAt: now, events: [] }
          : scheduleCalendar(schedule, { ...range, personName: (id) => users.get(id) ?? 'Unknown user' });
      return renderCalendar(calendar);
    }
    const [user] = await this.repo.usersByIds([subjectId]);
    if (!user) throw problems.notFound('The calendar feed');
    const schedules = (await this.repo.allSchedules())
      .map((row) => scheduleOf(row, this.repo.dialect))
      .filter((schedule) => validateSchedule(schedule).errors.length === 0);
    return renderCalendar(personCalendar(subjectId, schedules, { ...range, personName: () => user.name }));
  }
}
