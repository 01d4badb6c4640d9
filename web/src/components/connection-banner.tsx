import { useEffect, useState } from 'preact/hooks';
import type { ConnectionState } from '@wetty/client';
import { client } from '../state/client.ts';

const TEXT: Partial<Record<ConnectionState, string>> = {
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… messages you send now are kept and delivered in order.',
  offline: 'You are offline. Messages will be sent when the connection is back.',
  auth_required: 'Your session has ended. Log in again.',
};

/** The connection state from the SDK, announced politely to screen readers. */
export function ConnectionBanner() {
  const [state, setState] = useState<ConnectionState>(client.state);
  const [retryIn, setRetryIn] = useState<number | undefined>();
  useEffect(() => {
    const off = client.on('state', (change) => {
      setState(change.state);
      setRetryIn(change.retryInMs);
    });
    // Effects run after the first paint: a change made before this one subscribed is read here.
    setState(client.state);
    return off;
  }, []);
  const text = TEXT[state];
  return (
    <div role="status" aria-live="polite" data-connection={state}>
      {text && (
        <div class={`banner ${state}`}>
          {text}
          {state === 'reconnecting' && retryIn !== undefined && retryIn > 1500 ? ` Next try in ${Math.round(retryIn / 1000)} s.` : ''}
        </div>
      )}
    </div>
  );
}
