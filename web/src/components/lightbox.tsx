import { useEffect, useRef } from 'preact/hooks';

/** A full-size image over the page; Escape, the button or a click outside closes it and focus returns. */
export function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
      if (event.key === 'Tab') {
        event.preventDefault(); // one control: keep focus inside the dialog
        closeRef.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      opener?.focus();
    };
  }, [onClose]);
  return (
    <div class="lightbox" role="dialog" aria-modal="true" aria-label={alt} onClick={(event) => event.target === event.currentTarget && onClose()}>
      <img src={src} alt={alt} />
      <button ref={closeRef} type="button" class="btn close" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
