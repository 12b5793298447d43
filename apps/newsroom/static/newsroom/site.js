// Progressive enhancement only: every page works without it. Loaded from 'self' with the page's CSP nonce;
// the CSP allows no inline script, so nothing here may be moved into a template.
document.addEventListener('DOMContentLoaded', () => {
  for (const area of document.querySelectorAll('textarea[maxlength]')) {
    const counter = document.createElement('p');
    counter.className = 'char-count';
    counter.setAttribute('aria-live', 'polite');
    const update = () => {
      counter.textContent = `${area.maxLength - area.value.length} characters left`;
    };
    area.after(counter);
    area.addEventListener('input', update);
    update();
  }
});
