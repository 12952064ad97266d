/** Hash routes, so the server needs no knowledge of the console's pages (and deep links survive reloads). */
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'machines' }
  | { page: 'create' }
  | { page: 'machine'; arn: string; tab?: string }
  | { page: 'edit'; arn: string }
  | { page: 'start'; arn: string }
  | { page: 'execution'; arn: string; tab?: string }
  | { page: 'map-run'; arn: string }
  | { page: 'cluster' }
  | { page: 'compare'; a: string; b: string }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const [, section, encoded, sub] = path.split('/');
  const arn = encoded ? decodeURIComponent(encoded) : '';
  if (path === '/' || (section === 'machines' && !encoded)) return { page: 'machines' };
  if (section === 'create') return { page: 'create' };
  if (section === 'cluster' && !encoded) return { page: 'cluster' };
  if (section === 'machines' && arn) {
    if (sub === 'edit') return { page: 'edit', arn };
    if (sub === 'start') return { page: 'start', arn };
    return { page: 'machine', arn, tab: sub };
  }
  if (section === 'compare' && arn && sub) return { page: 'compare', a: arn, b: decodeURIComponent(sub) };
  if (section === 'executions' && arn) return { page: 'execution', arn, tab: sub };
  if (section === 'map-runs' && arn) return { page: 'map-run', arn };
  return { page: 'not-found', path };
}

export const href = {
  machines: () => '#/machines',
  create: () => '#/create',
  cluster: () => '#/cluster',
  machine: (arn: string, tab?: string) => `#/machines/${encodeURIComponent(arn)}${tab ? `/${tab}` : ''}`,
  edit: (arn: string) => `#/machines/${encodeURIComponent(arn)}/edit`,
  start: (arn: string) => `#/machines/${encodeURIComponent(arn)}/start`,
  compare: (a: string, b: string) => `#/compare/${encodeURIComponent(a)}/${encodeURIComponent(b)}`,
  execution: (arn: string, tab?: string) => `#/executions/${encodeURIComponent(arn)}${tab ? `/${tab}` : ''}`,
  mapRun: (arn: string) => `#/map-runs/${encodeURIComponent(arn)}`,
};

export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, '');
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
