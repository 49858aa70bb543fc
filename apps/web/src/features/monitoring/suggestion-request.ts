import type { CheckSuggestion, CreateCheckRequest } from '@estate/contract';

/**
 * The request a suggestion makes once the user's values are in (`config.<key>`, `secrets.<key>`); a value not typed
 * keeps the suggestion's, an emptied one is left out.
 */
export function withInputs(suggestion: CheckSuggestion, values: Record<string, string>): CreateCheckRequest {
  const config = { ...suggestion.request.config };
  const secrets: Record<string, string> = { ...(suggestion.request.secrets ?? {}) };
  for (const input of suggestion.inputs) {
    const value = values[input.path] ?? input.value ?? '';
    const [part, key] = input.path.split('.') as [string, string];
    if (value === '') {
      // A value cleared is not sent, so that a required one is refused by name rather than taken from the suggestion.
      if (part === 'config') delete config[key];
      continue;
    }
    if (part === 'secrets') secrets[key] = value;
    else config[key] = value;
  }
  return { ...suggestion.request, config, ...(Object.keys(secrets).length > 0 ? { secrets } : {}) };
}
