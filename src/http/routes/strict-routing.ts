// Every route matches its path exactly: `/metrics/` or `/Metrics` are not `/metrics`. A proxy rule
// for one spelling then covers the route, and no second spelling slips past it.
import type { RouterOptions } from 'express';

export const STRICT_ROUTING: RouterOptions = { strict: true, caseSensitive: true };
