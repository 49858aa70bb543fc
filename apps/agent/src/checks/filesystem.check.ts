import { statfs } from 'node:fs/promises';
import { type AgentCheckExecutor, thresholdStatus, worse } from './agent-check';

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Use of the filesystem holding `path`, as `df` counts it (used over used plus what non-root users may still use):
 * degraded from `warnPercent` (default 85), down from `critPercent` (default 95); the same for inodes when their
 * thresholds are given. Use, size and free bytes become series.
 */
export const filesystemCheck: AgentCheckExecutor<'filesystem'> = async (config) => {
  let fs: Awaited<ReturnType<typeof statfs>>;
  try {
    fs = await statfs(config.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      status: code === 'ENOENT' ? 'down' : 'unknown',
      message:
        code === 'ENOENT' ? `${config.path} does not exist` : `Cannot read the filesystem of ${config.path}: ${(err as Error).message}`,
      details: { path: config.path },
    };
  }
  const used = (fs.blocks - fs.bfree) * fs.bsize;
  const usable = used + fs.bavail * fs.bsize;
  const usedPercent = usable > 0 ? (used / usable) * 100 : 0;
  const warn = config.warnPercent ?? 85;
  const crit = config.critPercent ?? Math.max(95, warn);
  let status = thresholdStatus(usedPercent, warn, crit);
  const inodePercent = fs.files > 0 ? ((fs.files - fs.ffree) / fs.files) * 100 : null;
  if (inodePercent !== null && config.inodeWarnPercent !== undefined) {
    const inodeCrit = config.inodeCritPercent ?? Math.max(95, config.inodeWarnPercent);
    status = worse(status, thresholdStatus(inodePercent, config.inodeWarnPercent, inodeCrit));
  } else if (inodePercent !== null && config.inodeCritPercent !== undefined) {
    status = worse(status, thresholdStatus(inodePercent, config.inodeCritPercent, config.inodeCritPercent));
  }
  const labels = { path: config.path };
  return {
    status,
    message: `${config.path}: ${round(usedPercent)} % used${inodePercent === null ? '' : `, ${round(inodePercent)} % of inodes`}`,
    details: {
      path: config.path,
      usedPercent: round(usedPercent),
      usedBytes: used,
      sizeBytes: usable,
      inodesUsedPercent: inodePercent === null ? null : round(inodePercent),
    },
    series: [
      { name: 'estate_check_filesystem_used_ratio', labels, value: usable > 0 ? used / usable : 0 },
      { name: 'estate_check_filesystem_size_bytes', labels, value: usable },
      { name: 'estate_check_filesystem_avail_bytes', labels, value: fs.bavail * fs.bsize },
      ...(inodePercent === null ? [] : [{ name: 'estate_check_filesystem_inodes_used_ratio', labels, value: inodePercent / 100 }]),
    ],
  };
};
