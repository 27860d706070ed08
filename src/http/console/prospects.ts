import type { Router } from 'express';
import type { AppDeps } from '../app';

/** Prospects: referees who asked to hear about jobs. */
export function prospectsRoutes(_router: Router, _deps: AppDeps) {}
