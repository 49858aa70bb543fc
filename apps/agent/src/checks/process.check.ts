import { readdir, readFile } from 'node:fs/promises';
import type { AgentCheckExecutor } from './agent-check';

/** One process as /proc shows it. */
export interface ProcessEntry {
  pid: number;
  /** `/proc/PID/comm`: the name, at most 15 characters. */
  name: string;
  /** `/proc/PID/cmdline` with its NUL separators as spaces. */
  command: string;
}

/** The processes of this host from `procDir` (default /proc); those that end while being read are skipped. */
export async function listProcesses(procDir = '/proc'): Promise<ProcessEntry[]> {
  const pids = (await readdir(procDir)).filter((entry) => /^\d+$/.test(entry));
  const entries = await Promise.all(
    pids.map(async (pid) => {
      try {
        const [comm, cmdline] = await Promise.all([readFile(`${procDir}/${pid}/comm`, 'utf8'), readFile(`${procDir}/${pid}/cmdline`)]);
        return { pid: Number(pid), name: comm.trim(), command: cmdline.toString('utf8').replace(/\0+$/, '').replace(/\0/g, ' ') };
      } catch {
        return null;
      }
    }),
  );
  return entries.filter((e): e is ProcessEntry => e !== null);
}

/**
 * Counts the processes whose name is `name` exactly (when given) and whose command line contains `commandContains`
 * (when given): up from `minCount` (default 1) to `maxCount`, down outside. The count is a series.
 */
export const processCheck: AgentCheckExecutor<'process'> = async (config) => {
  const min = config.minCount ?? 1;
  const max = config.maxCount;
  const matching = (await listProcesses()).filter(
    (p) =>
      (config.name === undefined || p.name === config.name) &&
      (config.commandContains === undefined || p.command.includes(config.commandContains)),
  );
  const what = [config.name && `named ${config.name}`, config.commandContains && `with "${config.commandContains}" in the command line`]
    .filter(Boolean)
    .join(' ');
  const count = matching.length;
  const bounds = max === undefined ? `at least ${min}` : min === max ? `exactly ${min}` : `${min} to ${max}`;
  const details = { count, pids: matching.slice(0, 20).map((p) => p.pid), expected: bounds };
  const series = [{ name: 'estate_check_process_count', value: count }];
  const ok = count >= min && (max === undefined || count <= max);
  return {
    status: ok ? 'up' : 'down',
    message: `${count} process${count === 1 ? '' : 'es'} ${what}${ok ? '' : `; expected ${bounds}`}`,
    details,
    series,
  };
};
