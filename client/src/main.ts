import './styles.css';
import { get } from './api/api-client';
import { type Route, Router, type View } from './router';
import { type CurrentKey, session } from './session';
import { h, replace } from './ui/dom';
import { instancesRoutes } from './views/instances';
import { journeyRoutes } from './views/journeys';
import { kpisRoutes } from './views/kpis';
import { LoginView } from './views/login-view';
import { modelerRoutes } from './views/modeler';

const routes: Route[] = [...journeyRoutes, ...modelerRoutes, ...instancesRoutes, ...kpisRoutes];

const notFound = (path: string): View => ({
  mount: (container) => container.append(h('section', { class: 'card' }, h('h1', {}, 'Not found'), h('p', {}, `Nothing lives at ${path}. `, h('a', { href: '#/journeys' }, 'Back to the journeys')))),
});

/** The frame: the navigation, the signed-in key, and the routed screen. */
async function start(root: HTMLElement): Promise<void> {
  const main = h('main', { id: 'main' });
  const who = h('span', { class: 'who' });
  const nav = h(
    'nav',
    { class: 'top' },
    h('a', { href: '#/journeys', class: 'brand' }, 'Travesía'),
    h('a', { href: '#/journeys' }, 'Journeys'),
    h('a', { href: '#/customers' }, 'Customers'),
    h('a', { href: '#/incidents' }, 'Incidents'),
    h('a', { href: '/api/docs', target: '_blank', rel: 'noopener' }, 'API docs'),
    h('span', { class: 'spacer' }),
    who,
    h('button', { type: 'button', class: 'link', id: 'sign-out', onClick: () => session.signOut() }, 'Sign out'),
  );
  const router = new Router(routes, main, notFound);

  const show = async (reason?: string) => {
    if (!session.current) {
      replace(root, h('main', { id: 'main' }));
      new LoginView(reason).mount(root.querySelector('main')!);
      return;
    }
    replace(who, `${session.current.name} · ${session.current.role}`);
    replace(root, nav, main);
    await router.render();
  };
  session.onChange((reason) => void show(reason));

  if (session.apiKey) {
    try {
      session.current = await get<CurrentKey>('/keys/me');
    } catch {
      session.current = null;
    }
  }
  await show();
}

void start(document.getElementById('app')!);
