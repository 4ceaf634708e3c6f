// What the accounting pages read of the API's answers (the billing routes' schemas).

export interface DueInvoice {
  id: number;
  number: string;
  total: number;
  amount_due: number;
  due_at: number;
}

export interface DueProduct {
  id: number;
  service_name: string;
  customer_name: string;
  expired_at: number | null;
  renewal_periods: { period_months: number; amount: number }[];
}

export interface Due {
  currency: string;
  invoices: DueInvoice[];
  products: DueProduct[];
}

export interface InvoiceLine {
  id: number;
  description: string;
  amount: number;
}

export interface Invoice {
  id: number;
  number: string;
  kind: 'order' | 'renewal' | 'prepaid';
  status: 'unpaid' | 'paid' | 'cancelled' | 'proforma';
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
  lines: InvoiceLine[];
  order_id: number | null;
}

export interface OrderItem {
  id: number;
  service_name: string;
  customer_name: string;
  period_months: number;
  amount: number;
}

export interface Order {
  id: number;
  status: 'pending' | 'paid' | 'cancelled';
  items: OrderItem[];
  invoice_id: number;
  total: number;
  currency: string;
  created_at: number;
  paid_at: number | null;
}

export interface PaymentMethod {
  id: number;
  kind: 'card' | 'postfinance' | 'twint' | 'paypal';
  label: string;
  exp_month: number | null;
  exp_year: number | null;
  supports_auto_renewal: boolean;
}

export interface Payment {
  id: number;
  status: 'succeeded' | 'pending' | 'failed';
  method: 'card' | 'postfinance' | 'twint' | 'paypal' | 'iban' | 'prepaid';
  payment_method_id: number | null;
  currency: string;
  amount: number;
  prepaid_amount: number;
  processor_reference: string | null;
  failure_code: string | null;
  invoice_ids: number[];
  created_at: number;
}

export interface Prepaid {
  balance: number;
  currency: string;
}

export interface PrepaidTransaction {
  id: number;
  amount: number;
  kind: 'credit' | 'debit' | 'refund';
  description: string;
  created_at: number;
}
