// Progressive help only: every page works without this script.
// Copy buttons: <button data-copy="#id"> copies the text of the element it names.
document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  event.preventDefault();
  const source = document.querySelector(button.getAttribute('data-copy'));
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = 'Copied';
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    button.textContent = 'Selected: press Ctrl-C';
  }
  setTimeout(() => { button.textContent = 'Copy'; }, 2000);
});
