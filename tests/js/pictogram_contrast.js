(min) => {
  const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c;
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const svg of document.querySelectorAll('svg.picto')) {
    const box = svg.getBoundingClientRect();
    if (!box.width) continue;
    const a = lum(parse(getComputedStyle(svg).color)), b = lum(background(svg));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < min) found.push(`pictogram in "${(svg.parentElement.innerText || '').trim().slice(0, 30)}" has contrast ${ratio.toFixed(2)}:1`);
  }
  return found;
}
