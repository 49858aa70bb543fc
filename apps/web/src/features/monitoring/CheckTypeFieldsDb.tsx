import { NumberInput, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { ReactNode } from 'react';
import { MONO } from './ConditionListEditor';
import type { CheckFormValues } from './check-form';
import { OptionalSelect } from './OptionalSelect';

type Form = UseFormReturnType<CheckFormValues>;

const POSTGRES_TLS = [
  { value: 'disable', label: 'Off' },
  { value: 'require', label: 'On, unverified' },
  { value: 'verify', label: 'On, verified' },
];

/** Host and port of a database server, with `extra` (PostgreSQL's TLS) beside them. */
function ServerFields({ form, type, port, extra }: { form: Form; type: 'postgres' | 'mysql' | 'redis'; port: number; extra?: ReactNode }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
      <TextInput
        label="Host"
        placeholder="db.example.org or 192.0.2.10"
        required
        {...form.getInputProps(`${type}.host`)}
        style={{ gridColumn: extra ? 'span 2' : 'span 3' }}
        data-testid={`check-${type}-host`}
      />
      <NumberInput
        label="Port"
        placeholder={String(port)}
        min={1}
        max={65535}
        allowDecimal={false}
        {...form.getInputProps(`${type}.port`)}
        data-testid={`check-${type}-port`}
      />
      {extra}
    </SimpleGrid>
  );
}

/** The query of a SQL check, whose first value the conditions compare as `[BODY]`. */
function QueryField({ form, type }: { form: Form; type: 'postgres' | 'mysql' }) {
  return (
    <Textarea
      label="Query"
      description="Runs read-only. The first column of the first row is [BODY]: expect a result with a condition such as [BODY] == 1."
      placeholder="select 1"
      autosize
      minRows={1}
      maxRows={8}
      styles={MONO}
      spellCheck={false}
      {...form.getInputProps(`${type}.query`)}
      data-testid={`check-${type}-query`}
    />
  );
}

/** A PostgreSQL check: server, TLS, database and user (the password is a secret below), query. */
export function PostgresFields({ form }: { form: Form }) {
  return (
    <Stack gap="sm">
      <ServerFields
        form={form}
        type="postgres"
        port={5432}
        extra={
          <OptionalSelect
            form={form}
            path="postgres.tls"
            label="TLS"
            placeholder="Off (default)"
            data={POSTGRES_TLS}
            data-testid="check-postgres-tls"
          />
        }
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput
          label="Database"
          placeholder="postgres"
          required
          {...form.getInputProps('postgres.database')}
          data-testid="check-postgres-database"
        />
        <TextInput
          label="User"
          placeholder="monitor"
          required
          autoComplete="off"
          {...form.getInputProps('postgres.user')}
          data-testid="check-postgres-user"
        />
      </SimpleGrid>
      <QueryField form={form} type="postgres" />
    </Stack>
  );
}

/** A MySQL or MariaDB check: server, user (the password is a secret below), optional database, query. */
export function MysqlFields({ form }: { form: Form }) {
  return (
    <Stack gap="sm">
      <ServerFields form={form} type="mysql" port={3306} />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput
          label="User"
          placeholder="monitor"
          required
          autoComplete="off"
          {...form.getInputProps('mysql.user')}
          data-testid="check-mysql-user"
        />
        <TextInput
          label="Database"
          placeholder="none (optional)"
          {...form.getInputProps('mysql.database')}
          data-testid="check-mysql-database"
        />
      </SimpleGrid>
      <QueryField form={form} type="mysql" />
    </Stack>
  );
}

/** A Redis check: server, database number, ACL user (with the password secret below), a read-only command. */
export function RedisFields({ form }: { form: Form }) {
  return (
    <Stack gap="sm">
      <ServerFields
        form={form}
        type="redis"
        port={6379}
        extra={
          <NumberInput
            label="Database"
            placeholder="0"
            min={0}
            max={100_000}
            allowDecimal={false}
            {...form.getInputProps('redis.db')}
            data-testid="check-redis-db"
          />
        }
      />
      <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
        <TextInput
          label="User"
          description="An ACL user; needs the password"
          placeholder="default"
          autoComplete="off"
          {...form.getInputProps('redis.username')}
          data-testid="check-redis-username"
        />
        <TextInput
          label="Command"
          description='Read-only: PING, INFO, GET key, DBSIZE, LLEN key, …; the reply is [BODY]. Quote an argument with spaces: "a b".'
          placeholder="PING"
          styles={MONO}
          spellCheck={false}
          {...form.getInputProps('redis.command')}
          style={{ gridColumn: 'span 3' }}
          data-testid="check-redis-command"
        />
      </SimpleGrid>
    </Stack>
  );
}
