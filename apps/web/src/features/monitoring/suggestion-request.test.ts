import type { CheckSuggestion } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { withInputs } from './suggestion-request';

const postgres: CheckSuggestion = {
  key: 'postgres:5432',
  reason: 'port 5432 open',
  request: {
    name: 'db PostgreSQL',
    type: 'postgres',
    config: { host: 'db', port: 5432, database: 'postgres', user: 'postgres' },
    ciIds: ['c'],
  },
  inputs: [
    { path: 'config.user', label: 'User', value: 'postgres', secret: false, required: true },
    { path: 'config.database', label: 'Database', value: 'postgres', secret: false, required: true },
    { path: 'secrets.password', label: 'Password', secret: true, required: false },
  ],
};

describe('a suggestion with the values the user gave', () => {
  it('sets typed values in config and secrets, keeps the suggested ones not typed, and drops emptied ones', () => {
    expect(withInputs(postgres, { 'config.user': 'monitor', 'secrets.password': 's3cret' })).toEqual({
      ...postgres.request,
      config: { host: 'db', port: 5432, database: 'postgres', user: 'monitor' },
      secrets: { password: 's3cret' },
    });
    const emptied = withInputs(postgres, { 'config.database': '', 'secrets.password': '' });
    expect(emptied.config).toEqual({ host: 'db', port: 5432, user: 'postgres' });
    expect(emptied.secrets).toBeUndefined();
  });
});
