/**
 * The demo's API keys, printed at start-up so you can try them. Their hashes are in
 * portcullis.yaml; a real deployment keeps only the hashes (`portcullis key new`).
 */
export const demoKeys = {
  /** acme-travel, in the partners group: may book. */
  partner: 'hotel_demo_partner_5Ba27x60oV04PmUA',
  /** demo-reader, in the readers group: may read bookings. */
  reader: 'hotel_demo_reader_FF2yo1xhajGL5T3U',
} as const
