/**
 * The terminal lines a live view (cli/progress-view.ts) redraws in place, and the rule that keeps
 * log lines from tearing them: a line written to the console while a view is live first erases
 * the view, then is written, then the view is drawn again below it. Without this, the view's
 * cursor-up count is wrong after any other line and each redraw leaves a stale copy behind.
 */

/** What a live view lends the console while it is on screen. */
export interface LiveRegion {
  /** Erases the view's lines and leaves the cursor where they began. */
  clear(): void;
  /** Draws the view again at the cursor. */
  redraw(): void;
}

let live: LiveRegion | undefined;

/** Marks `region` as the live view on the terminal until the returned release is called. */
export function holdLiveRegion(region: LiveRegion): () => void {
  live = region;
  return () => {
    if (live === region) live = undefined;
  };
}

/** Writes `text` to `stream` above the live view, if one is on screen. */
export function writeAboveLive(stream: NodeJS.WritableStream, text: string): void {
  const region = live;
  if (!region) {
    stream.write(text);
    return;
  }
  region.clear();
  stream.write(text);
  region.redraw();
}
