import type { EstateClient } from '@estate/client';
import { createContext } from 'react';

/** Holds the UI's API client; provided by `ApiProvider`, read with `useApi`. */
export const ApiContext = createContext<EstateClient | null>(null);
