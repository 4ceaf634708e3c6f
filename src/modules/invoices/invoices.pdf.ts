import type PDFKit from 'pdfkit';

// The invoice as a PDF: the organisation, the number, the dates, the lines, subtotal, VAT,
// total and whether it is paid. Uncompressed so its text stays searchable in tests and by
// simple tools; the number is also the document's Title.

interface PdfInvoice {
  number: string;
  status: string;
  currency: string;
  subtotal: number;
  vat_rate: number;
  vat_amount: number;
  total: number;
  amount_paid: number;
  amount_due: number;
  issued_at: number;
  due_at: number;
  paid_at: number | null;
  lines: { description: string; amount: number }[];
}
interface PdfAccount {
  name: string;
  vat_number: string | null;
}
interface PdfAddress {
  street: string;
  street2: string | null;
  zip: string;
  city: string;
}

export const formatMoney = (minor: number, currency: string) => {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${currency} ${sign}${Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, "'")}.${String(abs % 100).padStart(2, '0')}`;
};
const formatDate = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

// pdfkit (with its fonts) takes about a second to load: only a request for a PDF pays it.
let pdfkit: Promise<typeof PDFKit> | undefined;
const loadPdfkit = () => (pdfkit ??= import('pdfkit').then((m) => m.default));

export async function renderInvoicePdf(
  invoice: PdfInvoice,
  account: PdfAccount,
  address: PdfAddress | undefined,
): Promise<Buffer> {
  const PDFDocument = await loadPdfkit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: false,
    info: {
      Title: `Invoice ${invoice.number}`,
      Subject: `${account.name} — ${invoice.number}`,
      Author: 'ik-mirror',
      CreationDate: new Date(invoice.issued_at * 1000),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  writeHeading(doc, invoice, account, address);
  writeAmounts(doc, invoice);
  doc.end();
  return done;
}

type Doc = PDFKit.PDFDocument;

/** The number, the organisation (address, VAT number) and the dates. */
function writeHeading(doc: Doc, invoice: PdfInvoice, account: PdfAccount, address: PdfAddress | undefined) {
  doc.font('Helvetica-Bold').fontSize(20).text(`Invoice ${invoice.number}`);
  doc.moveDown();
  doc.font('Helvetica').fontSize(11).text(account.name);
  if (address) {
    doc.text(address.street);
    if (address.street2) doc.text(address.street2);
    doc.text(`${address.zip} ${address.city}`);
  }
  if (account.vat_number) doc.text(`VAT number: ${account.vat_number}`);
  doc.moveDown();
  doc.text(`Issued: ${formatDate(invoice.issued_at)}`);
  doc.text(`Due: ${formatDate(invoice.due_at)}`);
  doc.moveDown();
}

/** The lines, subtotal, VAT and total, then whether it is paid. */
function writeAmounts(doc: Doc, invoice: PdfInvoice) {
  const left = 50;
  const right = 545;
  const amountX = 400;
  const row = (label: string, amount: string, bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').text(label, left, y, { width: amountX - left - 10 });
    const after = doc.y;
    doc.text(amount, amountX, y, { width: right - amountX, align: 'right' });
    doc.y = Math.max(after, doc.y);
    doc.x = left;
  };
  row('Description', 'Amount', true);
  doc.moveTo(left, doc.y).lineTo(right, doc.y).stroke();
  doc.moveDown(0.3);
  for (const l of invoice.lines) row(l.description, formatMoney(l.amount, invoice.currency));
  doc.moveTo(left, doc.y).lineTo(right, doc.y).stroke();
  doc.moveDown(0.3);
  row('Subtotal', formatMoney(invoice.subtotal, invoice.currency));
  row(`VAT ${invoice.vat_rate} %`, formatMoney(invoice.vat_amount, invoice.currency));
  row('Total', formatMoney(invoice.total, invoice.currency), true);
  doc.moveDown();
  const state =
    invoice.status === 'paid'
      ? `PAID${invoice.paid_at ? ` on ${formatDate(invoice.paid_at)}` : ''}`
      : invoice.status === 'cancelled'
        ? 'CANCELLED'
        : `UNPAID - amount due ${formatMoney(invoice.amount_due, invoice.currency)}`;
  doc.font('Helvetica-Bold').fontSize(14).text(state, left);
}
