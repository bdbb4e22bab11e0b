// attachments.js - the photos and documents of a site or of one survey visit (issue 16 item 3):
// the list with download links, and for the site's writers an upload (file, caption, "shows
// people or number plates") and delete. The server checks each file by its bytes, removes its
// location and camera metadata and labels it at least AMBER; the page only shows what it says.

import * as api from './api.js';
import { el, put, num, tlpBadge, toast } from './ui.js';

const TYPE_NAMES = { 'image/jpeg': 'JPEG photo', 'image/png': 'PNG image', 'application/pdf': 'PDF document' };

function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${num(bytes)} bytes`;
}

/**
 * A panel listing site.id's attachments (of survey `survey` only, when given) with download
 * links; for users who may write the site, the upload form and delete buttons. Returns the
 * panel at once and fills it as the answer comes.
 */
export function attachmentsSection(site, { survey } = {}) {
  const box = el('div', { dataset: { testid: 'site-attachments' } }, el('p', { class: 'loading' }, 'Loading the photos and documents…'));
  const labelSlot = el('span');
  async function load() {
    let list;
    try { list = await api.siteAttachments(site.id, survey); } catch (e) {
      if (e.status === 404) {
        put(box, el('p', { class: 'muted', dataset: { testid: 'attachments-hidden' } },
          'Photos and documents of a site are labelled at least TLP:AMBER; you may not see this site\'s.'));
      } else put(box, el('p', { class: 'field-error', role: 'alert' }, e.detail || e.message));
      return;
    }
    put(labelSlot, tlpBadge(String(list.label || '').replace(/^TLP:/, '')));
    put(box,
      list.items.length ? table(list) : el('p', { class: 'muted' }, survey ? 'No photo or document of this survey yet.' : 'No photo or document of this site yet.'),
      list.can_write ? uploadForm() : null,
      el('p', { class: 'muted small' }, 'Each file is checked by its contents (JPEG, PNG or PDF, at most 10 MiB); its location, camera and author data are removed before it is kept. Files marked as showing people or number plates are deleted after the retention period.'));
  }
  function table(list) {
    return el('div', { class: 'table-scroll' }, el('table', { class: 'table', id: 'attachments-table' },
      el('thead', {}, el('tr', {}, ['File', 'Caption', 'Type', 'Size', 'Uploaded', 'Kept until', list.can_write ? 'Actions' : null]
        .filter(Boolean).map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, list.items.map((a) => el('tr', { dataset: { attachment: String(a.id) } },
        el('td', {}, el('a', { href: api.attachmentUrl(a.id), download: a.name, dataset: { testid: 'attachment-download' } }, a.name),
          a.survey_id ? el('span', { class: 'muted small block' }, `survey ${a.survey_id}`) : null),
        el('td', {}, a.caption || '—'),
        el('td', {}, TYPE_NAMES[a.type] || a.type),
        el('td', { class: 'num' }, sizeText(a.size)),
        el('td', { class: 'small' }, `${(a.uploaded_at || '').slice(0, 10)} by ${a.uploaded_by}`),
        el('td', { class: 'small', dataset: { testid: 'attachment-retain' } }, a.retain_until ? `${a.retain_until.slice(0, 10)} (shows people)` : '—'),
        list.can_write ? el('td', {}, deleteButton(a)) : null)))));
  }
  function deleteButton(a) {
    const b = el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'attachment-delete' } }, 'Delete');
    b.addEventListener('click', async () => {
      if (!window.confirm(`Delete ${a.name}? This cannot be undone.`)) return;
      b.disabled = true;
      try {
        await api.deleteAttachment(a.id);
        toast(`${a.name} deleted.`);
      } catch (e) { toast(e.detail || e.message, 'error'); }
      await load();
    });
    return b;
  }
  function uploadForm() {
    const fileErr = el('span', { class: 'field-error', id: 'attach-file-error', role: 'alert' });
    const captionErr = el('span', { class: 'field-error', id: 'attach-caption-error', role: 'alert' });
    const file = el('input', { type: 'file', id: 'attach-file', accept: '.jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf', 'aria-describedby': 'attach-file-error', required: true });
    const caption = el('input', { type: 'text', id: 'attach-caption', maxlength: '500', 'aria-describedby': 'attach-caption-error' });
    const people = el('input', { type: 'checkbox', id: 'attach-people' });
    const submit = el('button', { type: 'submit', class: 'btn', dataset: { testid: 'attachment-upload' } }, 'Upload');
    const form = el('form', { class: 'form attach-form', novalidate: true, 'aria-labelledby': 'attach-form-title' },
      el('h3', { id: 'attach-form-title' }, 'Add a photo or document'),
      el('div', { class: 'field' }, el('label', { for: 'attach-file' }, 'Photo or document (JPEG, PNG or PDF, at most 10 MiB)'), file, fileErr),
      el('div', { class: 'field' }, el('label', { for: 'attach-caption' }, 'Caption'), caption, captionErr),
      el('label', { class: 'check' }, people, 'Shows people or number plates (deleted after the retention period)'),
      submit);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      fileErr.textContent = '';
      captionErr.textContent = '';
      const f = file.files && file.files[0];
      if (!f) { fileErr.textContent = 'Choose a file.'; return; }
      if (f.size > 10 * 1024 * 1024) { fileErr.textContent = 'The file is larger than 10 MiB.'; return; }
      submit.disabled = true;
      try {
        const a = await api.uploadAttachment(site.id, f, { caption: caption.value, survey, people: people.checked });
        toast(`${a.name} uploaded (${a.label}).`);
        await load();
      } catch (e) {
        // the server's reason next to the field it names (the caption, else the file)
        (e.field === 'caption' ? captionErr : fileErr).textContent = e.detail || e.message;
        submit.disabled = false;
      }
    });
    return form;
  }
  load();
  return el('section', { class: 'panel', 'aria-labelledby': 'site-attachments-title' },
    el('div', { class: 'section-head' }, el('h2', { id: 'site-attachments-title' }, survey ? 'Evidence of this survey' : 'Photos and documents'), labelSlot),
    box);
}
