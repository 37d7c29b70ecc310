/** Hands a file to the browser's download, as if a link to it had been followed. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference by now; the URL only has to outlive this task.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
