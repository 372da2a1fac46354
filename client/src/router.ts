/** A screen of the client, shown in the main area until the route changes. */
export interface View {
  /** Renders into `container` (which is empty). */
  mount(container: HTMLElement): void | Promise<void>;
  /** Releases what `mount` took (a modeller, timers). */
  unmount?(): void;
}

export interface Route {
  /** e.g. `/journeys/:id/model`; parameters are decoded path segments. */
  readonly path: string;
  readonly view: (params: Record<string, string>, query: URLSearchParams) => View;
}

/**
 * Hash routing (`#/journeys/…`): the service serves one page, and links, reloads and the back
 * button all work without it knowing the client's routes.
 */
export class Router {
  private current?: View;

  constructor(
    private readonly routes: readonly Route[],
    private readonly container: HTMLElement,
    private readonly notFound: (path: string) => View,
  ) {
    window.addEventListener('hashchange', () => void this.render());
  }

  static navigate(path: string): void {
    window.location.hash = `#${path}`;
  }

  async render(): Promise<void> {
    const [path, search = ''] = (window.location.hash.slice(1) || '/journeys').split('?');
    this.current?.unmount?.();
    this.container.replaceChildren();
    const match = this.match(path);
    this.current = match ? match.route.view(match.params, new URLSearchParams(search)) : this.notFound(path);
    await this.current.mount(this.container);
  }

  private match(path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      const pattern = route.path.split('/').filter(Boolean);
      if (pattern.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matches = pattern.every((segment, i) => {
        if (segment.startsWith(':')) {
          params[segment.slice(1)] = decodeURIComponent(parts[i]);
          return true;
        }
        return segment === parts[i];
      });
      if (matches) return { route, params };
    }
    return undefined;
  }
}

/**
 * A view whose code loads when it is first shown: the diagram screens bring bpmn-js (about
 * 2 MB), which the sign-in and the lists do without.
 */
export function lazyView(load: () => Promise<View>): View {
  let view: View | undefined;
  let left = false;
  return {
    mount: async (container) => {
      view = await load();
      if (!left) await view.mount(container);
    },
    unmount: () => {
      left = true;
      view?.unmount?.();
    },
  };
}
