import { AGENT_CHECK_TYPES, type AgentCheckType, checkAgentCheckConfig } from '@estate/contract';
import { CheckConfigError, type CheckOutcome, type CheckType } from './check-executor';

/** What the server keeps of an agent-side check's configuration: the settings, as the contract checked them. */
export interface AgentSideConfig {
  type: AgentCheckType;
  settings: Record<string, unknown>;
}

/** What an agent-side check watches, in words: `systemd ssh.service`, `/var/log/app.log`, `nagios check_load`. */
function targetOf({ type, settings }: AgentSideConfig): string {
  switch (type) {
    case 'systemd':
      return `systemd ${settings.unit}`;
    case 'process':
      return `process ${settings.name ?? `*${settings.commandContains}*`}`;
    case 'nagios':
      return `nagios ${settings.plugin}`;
    default:
      return String(settings.path);
  }
}

function agentSideCheck(type: AgentCheckType): CheckType<AgentSideConfig> {
  return {
    type,
    placeholders: [],
    defaultConditions: [],
    validate(raw) {
      if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
      const { conditions, ...settings } = raw as Record<string, unknown>;
      if (Array.isArray(conditions) && conditions.length > 0)
        throw new CheckConfigError('conditions', `a ${type} check has no conditions: its thresholds are settings in config`);
      const verdict = checkAgentCheckConfig(type, settings);
      if (!verdict.ok) throw new CheckConfigError(verdict.field, verdict.message);
      return { type, settings };
    },
    target: targetOf,
    async run(): Promise<CheckOutcome> {
      return {
        status: 'unknown',
        durationMs: 0,
        message: `A ${type} check runs on the host agent it is assigned to, never on the server.`,
        conditions: [],
        details: {},
      };
    },
  };
}

/**
 * The agent-side check types (systemd, process, filesystem, file, certificate-file, nagios): the server validates
 * their settings when they are saved and hands them to their agent; it never runs them itself.
 */
export function agentSideCheckTypes(): CheckType<AgentSideConfig>[] {
  return AGENT_CHECK_TYPES.map(agentSideCheck);
}
