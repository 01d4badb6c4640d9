import { useEffect, useRef, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar.tsx';
import { useStore } from '../lib/store.ts';
import { client } from '../state/client.ts';
import { describeError } from '../state/errors.ts';
import { logout, me } from '../state/session.state.ts';

type AddFriendSetting = 'anyone' | 'verify' | 'mutual' | 'nobody';

/** Your profile: picture, nickname, bio, link, who may add you; and signing out. */
export function ProfileScreen() {
  const profile = useStore(me);
  const [nickname, setNickname] = useState('');
  const [bio, setBio] = useState('');
  const [srLink, setSrLink] = useState('');
  const [addSetting, setAddSetting] = useState<AddFriendSetting>('verify');
  const [status, setStatus] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!profile) return;
    setNickname(profile.nickname ?? '');
    setBio(profile.bio ?? '');
    setSrLink(profile.sr_link ?? '');
    setAddSetting(profile.add_friend_setting as AddFriendSetting);
  }, [profile?.uid]);

  if (!profile) return null;

  const save = async (event: Event) => {
    event.preventDefault();
    try {
      me.set(await client.users.updateProfile({ nickname: nickname.trim() || profile.username, bio, sr_link: srLink.trim() || null, add_friend_setting: addSetting }));
      setStatus('Profile saved.');
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  const uploadAvatar = async () => {
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    try {
      setProgress(0);
      const stored = await client.files.upload(file, { onProgress: (sent, total) => setProgress(total ? sent / total : 0) });
      if (!/^image\/(png|jpeg|gif|webp)$/.test(stored.mime)) throw new Error('Pick a PNG, JPEG, GIF or WebP picture.');
      me.set(await client.users.updateProfile({ avatar_fid: stored.fid }));
      setStatus('Picture updated.');
    } catch (error) {
      setStatus(describeError(error));
    } finally {
      setProgress(null);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  return (
    <main id="main" class="page">
      <h1>Your profile</h1>
      <div class="row">
        <Avatar name={profile.nickname || profile.username} fid={profile.avatar_fid} />
        <div class="grow">
          <strong>{profile.nickname || profile.username}</strong>
          <div class="muted">@{profile.username}</div>
        </div>
        <label class="btn" for="avatar-file" style="margin:0">
          Change picture
        </label>
        <input ref={fileRef} id="avatar-file" class="visually-hidden" type="file" accept="image/png,image/jpeg,image/gif,image/webp" onChange={uploadAvatar} />
      </div>
      {progress !== null && <progress class="progress" max={1} value={progress} aria-label="Picture upload progress" />}
      <p role="status" aria-live="polite" class="muted" data-status>
        {status}
      </p>
      <form class="card" onSubmit={save}>
        <label for="nickname">Display name</label>
        <input id="nickname" type="text" maxLength={64} value={nickname} onInput={(e) => setNickname((e.currentTarget as HTMLInputElement).value)} />
        <label for="bio">Bio</label>
        <textarea id="bio" rows={3} maxLength={500} value={bio} onInput={(e) => setBio((e.currentTarget as HTMLTextAreaElement).value)} />
        <label for="sr-link">Link</label>
        <input id="sr-link" type="url" placeholder="https://…" value={srLink} onInput={(e) => setSrLink((e.currentTarget as HTMLInputElement).value)} />
        <label for="add-setting">Who may add me as a friend</label>
        <select id="add-setting" value={addSetting} onChange={(e) => setAddSetting((e.currentTarget as HTMLSelectElement).value as AddFriendSetting)}>
          <option value="anyone">Anyone, without asking</option>
          <option value="verify">Anyone who asks (I accept or reject)</option>
          <option value="mutual">Only people I share a friend or group with</option>
          <option value="nobody">Nobody</option>
        </select>
        <p>
          <button type="submit" class="btn primary">
            Save profile
          </button>
        </p>
      </form>
      <p>
        <button type="button" class="btn danger" onClick={() => void logout()}>
          Log out
        </button>
      </p>
    </main>
  );
}
