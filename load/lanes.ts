/** Runs `each` over the items with at most `lanes` running at once. */
export async function inLanes<T>(items: readonly T[], lanes: number, each: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const i = next++;
        await each(items[i] as T, i);
      }
    }),
  );
}
