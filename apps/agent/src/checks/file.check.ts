import { stat } from 'node:fs/promises';
import type { AgentCheckExecutor } from './agent-check';

/**
 * A file must exist (or, with `mustExist: false`, must not), be modified within `maxAgeSeconds`, and hold from
 * `minBytes` to `maxBytes`. Its age and size become series.
 */
export const fileCheck: AgentCheckExecutor<'file'> = async (config, { now }) => {
  const mustExist = config.mustExist ?? true;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(config.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return mustExist
        ? { status: 'down', message: `${config.path} does not exist`, details: { path: config.path, exists: false } }
        : { status: 'up', message: `${config.path} does not exist, as expected`, details: { path: config.path, exists: false } };
    return { status: 'unknown', message: `Cannot look at ${config.path}: ${(err as Error).message}`, details: { path: config.path } };
  }
  const ageSeconds = Math.max(0, Math.round((now() - info.mtimeMs) / 1000));
  const details = { path: config.path, exists: true, sizeBytes: info.size, ageSeconds, modifiedAt: Math.round(info.mtimeMs) };
  if (!mustExist) return { status: 'down', message: `${config.path} exists but should not`, details };
  const labels = { path: config.path };
  const series = [
    { name: 'estate_check_file_age_seconds', labels, value: ageSeconds },
    { name: 'estate_check_file_size_bytes', labels, value: info.size },
  ];
  const failures: string[] = [];
  if (config.maxAgeSeconds !== undefined && ageSeconds > config.maxAgeSeconds)
    failures.push(`last modified ${ageSeconds} s ago (at most ${config.maxAgeSeconds} s allowed)`);
  if (config.minBytes !== undefined && info.size < config.minBytes)
    failures.push(`${info.size} bytes (at least ${config.minBytes} expected)`);
  if (config.maxBytes !== undefined && info.size > config.maxBytes)
    failures.push(`${info.size} bytes (at most ${config.maxBytes} allowed)`);
  if (failures.length > 0) return { status: 'down', message: `${config.path}: ${failures.join('; ')}`, details, series };
  return { status: 'up', message: `${config.path}: ${info.size} bytes, modified ${ageSeconds} s ago`, details, series };
};
