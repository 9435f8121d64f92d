() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'focus is lost (on <body>)';
  // A radio's ring is drawn on its label (the visible target).
  const shown = el.matches('input[type=radio]') && el.labels.length ? el.labels[0] : el;
  const s = getComputedStyle(shown);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  if (!outline && s.boxShadow === 'none') {
    return `no visible focus on ${el.tagName.toLowerCase()} "${(el.innerText || el.value || '').trim().slice(0, 30)}"`;
  }
  return null;
}
