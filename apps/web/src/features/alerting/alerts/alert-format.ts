import type { AlertEpisode } from '@estate/contract';

/** Colours of alert states and severities. */
export const ALERT_STATE_COLORS: Record<AlertEpisode['state'], string> = { firing: 'red', pending: 'yellow', resolved: 'teal' };

export function severityColor(severity: string): string {
  if (severity === 'critical' || severity === 'page') return 'red';
  if (severity === 'warning') return 'orange';
  if (severity === 'info') return 'blue';
  return 'gray';
}

/** The labels worth showing beside an alert's name: everything but alertname and severity. */
export function shownLabels(labels: Record<string, string>): Array<[string, string]> {
  return Object.entries(labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Alerts grouped by their name, groups with firing alerts first, then by name. */
export function groupByName(alerts: readonly AlertEpisode[]): Array<{ name: string; alerts: AlertEpisode[] }> {
  const groups = new Map<string, AlertEpisode[]>();
  for (const a of alerts) groups.set(a.name, [...(groups.get(a.name) ?? []), a]);
  return [...groups.entries()]
    .map(([name, list]) => ({ name, alerts: list }))
    .sort((a, b) => {
      const fa = a.alerts.some((x) => x.state === 'firing') ? 0 : 1;
      const fb = b.alerts.some((x) => x.state === 'firing') ? 0 : 1;
      return fa - fb || (a.name < b.name ? -1 : 1);
    });
}
