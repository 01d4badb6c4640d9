import { useState } from 'preact/hooks';
import { navigate, onLinkClick } from '../lib/router.ts';
import { useStore } from '../lib/store.ts';
import { describeError } from '../state/errors.ts';
import { authNotice, login, register } from '../state/session.state.ts';

/** Log in, or create an account and log in (a web session: 12 hours, refreshed while the page is open). */
export function LoginScreen({ mode }: { mode: 'login' | 'register' }) {
  const notice = useStore(authNotice);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isRegister = mode === 'register';

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await (isRegister ? register(username, password) : login(username, password));
      navigate({ name: 'chats' }, { replace: true });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="page">
      <div class="auth card">
        <h1>{isRegister ? 'Create your Wetty account' : 'Log in to Wetty'}</h1>
        {notice && !isRegister && (
          <p role="alert" class="error-text" data-auth-notice>
            {notice}
          </p>
        )}
        <form onSubmit={submit} aria-describedby={error ? 'auth-error' : undefined}>
          <label for="username">Username</label>
          <input
            id="username"
            type="text"
            autocomplete="username"
            required
            minLength={3}
            maxLength={32}
            pattern="[A-Za-z0-9_.\-]+"
            value={username}
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
          />
          {isRegister && <p class="field-hint">3–32 letters, digits, _ . or -</p>}
          <label for="password">Password</label>
          <input
            id="password"
            type="password"
            autocomplete={isRegister ? 'new-password' : 'current-password'}
            required
            minLength={8}
            maxLength={128}
            value={password}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
          />
          {isRegister && <p class="field-hint">At least 8 characters</p>}
          {error && (
            <p id="auth-error" role="alert" class="error-text">
              {error}
            </p>
          )}
          <p>
            <button type="submit" class="btn primary" disabled={busy} style="width:100%">
              {busy ? 'Please wait…' : isRegister ? 'Create account' : 'Log in'}
            </button>
          </p>
        </form>
        <p class="muted">
          {isRegister ? 'Already have an account? ' : 'New here? '}
          <a href={isRegister ? '/app/login' : '/app/register'} onClick={onLinkClick}>
            {isRegister ? 'Log in' : 'Create an account'}
          </a>
        </p>
      </div>
    </main>
  );
}
