(min) => {
  const found = [];
  const seen = new Set();
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(sel)) {
    let target = el;
    if (el.matches('input[type=radio], input[type=checkbox]') && el.labels && el.labels.length) {
      target = el.labels[0];
    }
    if (seen.has(target)) continue;
    seen.add(target);
    const style = getComputedStyle(target);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const box = target.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;       // not rendered (e.g. [hidden])
    if (box.right < 0 || box.bottom < 0) continue;           // parked off screen (skip link)
    if (target.closest('dialog') && !target.closest('dialog').open) continue;
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      const name = (target.innerText || target.value || target.getAttribute('aria-label') || target.tagName).trim();
      found.push(`${target.tagName.toLowerCase()} "${name.slice(0, 40)}" is ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return found;
}
