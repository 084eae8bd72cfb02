import { createLoginThrottle } from '../domain/login-throttle.js';

/** One per process: failed sign-ins are counted per caller address. */
export const loginThrottle = createLoginThrottle(10, 60_000);
