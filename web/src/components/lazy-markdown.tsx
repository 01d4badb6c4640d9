import { useEffect, useState } from 'preact/hooks';

type MarkdownModule = typeof import('../lib/markdown.tsx');
let loaded: MarkdownModule | null = null;
let loading: Promise<MarkdownModule> | null = null;

/**
 * Markdown messages, with the CommonMark parser loaded the first time one is shown (it is most of
 * the app's weight). Until then the text shows as written.
 */
export function LazyMarkdown({ text }: { text: string }) {
  const [module, setModule] = useState<MarkdownModule | null>(loaded);
  useEffect(() => {
    if (module) return;
    loading ??= import('../lib/markdown.tsx').then((m) => (loaded = m));
    let live = true;
    loading.then(
      (m) => live && setModule(m),
      () => (loading = null),
    );
    return () => {
      live = false;
    };
  }, []);
  if (!module) return <p class="plain">{text}</p>;
  return <module.Markdown text={text} />;
}
