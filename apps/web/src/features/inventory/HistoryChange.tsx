import type { CiTypeInfo } from '@estate/contract';
import { Text } from '@mantine/core';
import { type FieldChangeLike, listChangeText, readableChange } from './history-format';

/** Props of `HistoryChange`. */
export interface HistoryChangeProps {
  change: FieldChangeLike;
  type: CiTypeInfo | undefined;
}

/**
 * One line of a change log: the field's label, then its value before → after ("Status: Planned → Deployed"), or for a
 * list what was added and removed ("Services: added nginx; removed apache2"). The raw field name is the tooltip.
 */
export function HistoryChange({ change, type }: HistoryChangeProps) {
  const readable = readableChange(change, type);
  return (
    <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid="history-change" data-field={change.field}>
      <Text span fw={600} title={change.field}>
        {readable.label}
      </Text>
      {': '}
      {readable.kind === 'list' ? (
        listChangeText(readable)
      ) : readable.from === '—' ? (
        <>
          set to <b>{readable.to}</b>
        </>
      ) : readable.to === '—' ? (
        <>cleared (was {readable.from})</>
      ) : (
        <>
          {readable.from} → <b>{readable.to}</b>
        </>
      )}
    </Text>
  );
}
