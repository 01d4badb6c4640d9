import { useStore } from '../lib/store.ts';
import { presence } from '../state/people.state.ts';
import { fallBackToFull, useFileUrl } from './use-file-url.ts';

interface Props {
  name: string;
  fid?: string | null;
  /** Show a presence dot for this uid. */
  presenceOf?: string;
  small?: boolean;
}

/** A round picture (or initials) with an optional presence dot; the name is given by the text beside it. */
export function Avatar({ name, fid, presenceOf, small }: Props) {
  const url = useFileUrl(fid ?? null, 'thumb');
  const states = useStore(presence);
  const status = presenceOf ? (states.get(presenceOf) ?? 'offline') : undefined;
  return (
    <span class={`avatar${small ? ' small' : ''}`} aria-hidden="true">
      {url && fid ? <img src={url} alt="" onError={fallBackToFull(fid)} /> : initials(name)}
      {status && <span class={`presence-dot ${status}`} data-presence={status} />}
    </span>
  );
}

export function PresenceLabel({ uid }: { uid: string }) {
  const states = useStore(presence);
  return <span class="visually-hidden">{states.get(uid) === 'online' ? ', online' : ', offline'}</span>;
}

function initials(name: string): string {
  return (name.trim()[0] ?? '?').toUpperCase();
}
