import { useEffect, useState } from 'react';
import { ClusterPage } from './pages/cluster.js';
import { ComparePage } from './pages/compare.js';
import { EditorPage } from './pages/editor.js';
import { ExecutionPage } from './pages/execution.js';
import { ExpressExecutionPage } from './pages/express.js';
import { MachinePage } from './pages/machine.js';
import { MapRunPage } from './pages/map-run.js';
import { MachinesPage } from './pages/machines.js';
import { StartPage } from './pages/start.js';
import { href, useRoute } from './router.js';
import { getJson } from './api.js';

type ThemeChoice = 'system' | 'light' | 'dark';

function useTheme(): [ThemeChoice, (t: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(
    () => (localStorage.getItem('stepwise.theme') as ThemeChoice | null) ?? 'system',
  );
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      document.documentElement.dataset.theme = choice === 'system' ? (media.matches ? 'dark' : 'light') : choice;
    };
    apply();
    media.addEventListener('change', apply);
    localStorage.setItem('stepwise.theme', choice);
    return () => media.removeEventListener('change', apply);
  }, [choice]);
  return [choice, setChoice];
}

/** Who is signed in (when the server has access keys): their name and a sign-out button. */
function SignedIn() {
  const [name, setName] = useState<string | undefined>();
  useEffect(() => {
    const controller = new AbortController();
    getJson<{ authentication: boolean; name?: string }>('/console/api/session', controller.signal)
      .then((session) => setName(session.authentication ? session.name : undefined))
      .catch(() => undefined);
    return () => controller.abort();
  }, []);
  if (name === undefined) return null;
  return (
    <form className="sign-out" method="post" action="/console/sign-out">
      <span className="muted" data-signed-in={name}>
        {name}
      </span>
      <button type="submit">Sign out</button>
    </form>
  );
}

export function App() {
  const route = useRoute();
  const [theme, setTheme] = useTheme();
  const next: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [route.page]);
  return (
    <>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href.machines()}>
          <span className="logo" aria-hidden="true" />
          Stepwise
        </a>
        <nav aria-label="Main">
          <a href={href.machines()} aria-current={route.page === 'machines' ? 'page' : undefined}>
            State machines
          </a>
          <a href={href.create()} aria-current={route.page === 'create' ? 'page' : undefined}>
            Create
          </a>
          <a href={href.cluster()} aria-current={route.page === 'cluster' ? 'page' : undefined}>
            Cluster
          </a>
        </nav>
        <button
          type="button"
          className="theme-toggle"
          onClick={() => setTheme(next[theme])}
          aria-label={`Theme: ${theme}. Switch to ${next[theme]}`}
          data-theme-choice={theme}
        >
          {theme === 'system' ? '◐ System' : theme === 'light' ? '☀ Light' : '☾ Dark'}
        </button>
        <SignedIn />
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'machines' && <MachinesPage />}
        {route.page === 'create' && <EditorPage />}
        {route.page === 'machine' && <MachinePage key={route.arn} arn={route.arn} tab={route.tab} />}
        {route.page === 'edit' && <EditorPage key={route.arn} arn={route.arn} />}
        {route.page === 'start' && <StartPage key={route.arn} arn={route.arn} />}
        {route.page === 'execution' && route.arn.includes(':express:') && (
          <ExpressExecutionPage key={route.arn} arn={route.arn} />
        )}
        {route.page === 'execution' && !route.arn.includes(':express:') && (
          <ExecutionPage key={route.arn} arn={route.arn} tab={route.tab} />
        )}
        {route.page === 'map-run' && <MapRunPage key={route.arn} arn={route.arn} />}
        {route.page === 'cluster' && <ClusterPage />}
        {route.page === 'compare' && <ComparePage key={`${route.a} ${route.b}`} a={route.a} b={route.b} />}
        {route.page === 'not-found' && (
          <section>
            <h1>Not found</h1>
            <p>
              Nothing lives at <code>{route.path}</code>. <a href={href.machines()}>Back to the state machines</a>.
            </p>
          </section>
        )}
      </main>
    </>
  );
}
