import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';

/**
 * A button for a write action (approve, cancel, rerun): disabled while the call runs, then says
 * what happened in a live region; a read-only token's 403 is shown as the gateway's explanation.
 */
export function ActionButton(props: {
  label: string;
  run: () => Promise<unknown>;
  done: string;
  onDone?: () => void;
  confirm?: string;
  danger?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const click = async () => {
    if (props.confirm && !window.confirm(props.confirm)) return;
    setBusy(true);
    setMessage('');
    try {
      await props.run();
      setMessage(props.done);
      props.onDone?.();
    } catch (e) {
      setMessage(e instanceof ApiError ? `${props.label} refused: ${e.message}` : `${props.label} failed: ${String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={props.danger ? 'danger' : ''} disabled={busy} onClick={click}>
        {busy ? `${props.label}…` : props.label}
      </button>
      <span class="action-result" role="status" aria-live="polite">{message}</span>
    </span>
  );
}
