import { join } from 'node:path';
import { Eta } from 'eta';

/**
 * Eta renders pages and mails: small, typed, escapes `<%= %>` by default, files on disk.
 * Plain-text mails use a second instance with escaping off (HTML entities in a text mail are noise).
 */
const VIEWS = join(__dirname, 'views');
const html = new Eta({ views: VIEWS, autoEscape: true, cache: true });
const text = new Eta({ views: VIEWS, autoEscape: false, cache: true });

export const renderHtml = (name: string, data: object) => html.render(name, data);
export const renderText = (name: string, data: object) => text.render(name, data);
