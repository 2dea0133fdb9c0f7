/**
 * Every console route, by area. An area adds its file here.
 */
import type { ConsoleRoute } from '../route.js';

export const ROUTES: readonly ConsoleRoute[] = [];
