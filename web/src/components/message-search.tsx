import type { RouteTable } from '@wetty/client';
import { useState } from 'preact/hooks';
import { onLinkClick } from '../lib/router.ts';
import { chatById, chatTitle } from '../state/chats.state.ts';
import { client } from '../state/client.ts';
import { describeError } from '../state/errors.ts';

type SearchResult = RouteTable['GET /chats/search']['response']['results'][number];

/**
 * Searches every chat's messages (words, "phrases", -excluded; CJK anywhere) and lists the matches
 * with the matched text marked. While a search is shown it takes the chat list's place.
 */
export function MessageSearch({ children }: { children: preact.ComponentChildren }) {
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState<{ q: string; results: SearchResult[] } | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const search = async (event: Event) => {
    event.preventDefault();
    const q = query.trim();
    if (!q) return setShown(null);
    setStatus('Searching…');
    try {
      const answer = await client.chats.search(q, { limit: 30 });
      setShown({ q, results: answer.results });
      setStatus(null);
    } catch (error) {
      setStatus(describeError(error));
    }
  };
  const clear = () => {
    setQuery('');
    setShown(null);
    setStatus(null);
  };

  return (
    <>
      <form class="message-search" role="search" onSubmit={(event) => void search(event)}>
        <input type="search" aria-label="Search messages" placeholder="Search messages" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
        {shown && (
          <button type="button" class="btn small" onClick={clear}>
            Close
          </button>
        )}
      </form>
      {status && <p role="status" class="empty">{status}</p>}
      {shown ? (
        <ul class="list search-results" aria-label={`Messages matching ${shown.q}`}>
          {shown.results.length === 0 && <li class="empty">No messages match.</li>}
          {shown.results.map(({ message, highlights }) => (
            <li key={message.id} data-result-id={message.id} style="display:block;padding:0">
              <a href={`/app/chats/${message.chat_id}`} onClick={onLinkClick}>
                <span class="title">{chatTitle(chatById(message.chat_id))}</span>
                <time class="when" dateTime={message.created_at}>
                  {new Date(message.created_at).toLocaleDateString([], { month: 'short', day: 'numeric' })}
                </time>
                <span class="last">
                  <Marked text={message.message} ranges={highlights} />
                </span>
              </a>
            </li>
          ))}
        </ul>
      ) : (
        children
      )}
    </>
  );
}

/** The text with each highlighted range in a <mark> (text nodes only: nothing of the message is markup). */
function Marked({ text, ranges }: { text: string; ranges: readonly { start: number; end: number }[] }) {
  const parts: preact.ComponentChildren[] = [];
  let at = 0;
  for (const { start, end } of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}
