/** Command bodies as a client sends them over HTTP. */
export const M = 'us-entity-list-acme';

export const imposeBody = (over: Record<string, unknown> = {}) => ({
  type: 'ImposeRestriction',
  measureId: M,
  title: 'Entity List: Acme',
  jurisdiction: 'US',
  authority: 'BIS',
  subjects: ['acme', 'acme-sub'],
  categories: ['exports'],
  effectiveFrom: '2019-05-16T16:15:00-04:00',
  citation: '84 FR 22961',
  sources: [
    {
      url: 'https://www.federalregister.gov/citation/84-FR-22961',
      title: 'Addition of Entities',
      publishedAt: '2019-05-21',
    },
  ],
  ...over,
});

/** One accepted command of every type, in an order that satisfies every invariant. */
export function everyCommand(eventIdOf: (index: number) => string) {
  return [
    () => imposeBody(),
    () => ({ type: 'AddSubjects', measureId: M, subjects: ['acme-late'], effectiveFrom: '2019-08-19' }),
    () => ({ type: 'RemoveSubjects', measureId: M, subjects: ['acme-sub'], effectiveFrom: '2019-10-01' }),
    () => ({ type: 'BroadenScope', measureId: M, categories: ['services'], effectiveFrom: '2019-09-01' }),
    () => ({
      type: 'AnnounceEasing',
      measureId: M,
      announcementId: 'g20',
      statement: 'Sales may resume',
      announcedAt: '2019-06-29',
      categories: ['exports'],
    }),
    () => ({
      type: 'NarrowScope',
      measureId: M,
      remove: ['exports/consumer'],
      effectiveFrom: '2019-09-15',
      enacts: 'g20',
    }),
    () => ({
      type: 'AnnounceEasing',
      measureId: M,
      announcementId: 'july',
      statement: 'Licences for some',
      announcedAt: '2019-07-09',
    }),
    () => ({ type: 'WithdrawAnnouncement', measureId: M, announcementId: 'july', withdrawnAt: '2019-07-20' }),
    () => ({
      type: 'GrantExemption',
      measureId: M,
      exemptionId: 'tgl',
      title: 'Temporary General License',
      categories: ['exports/network-maintenance', 'exports/5g-standards'],
      effectiveFrom: '2019-05-20',
      effectiveUntil: '2019-08-20',
    }),
    () => ({
      type: 'AmendExemption',
      measureId: M,
      exemptionId: 'tgl',
      effectiveFrom: '2019-08-19',
      effectiveUntil: '2019-11-19',
      removeCategories: ['exports/5g-standards'],
    }),
    () => ({
      type: 'RetractEntry',
      measureId: M,
      eventId: eventIdOf(2),
      reason: 'the removal was recorded by mistake',
    }),
    () => ({
      type: 'CorrectEntry',
      measureId: M,
      eventId: eventIdOf(1),
      reason: 'wrong date',
      replacement: { measureId: M, subjects: ['acme-late'], effectiveFrom: '2019-08-20' },
    }),
    () => ({ type: 'RevokeExemption', measureId: M, exemptionId: 'tgl', effectiveFrom: '2019-10-01' }),
    () => ({ type: 'LiftRestriction', measureId: M, effectiveFrom: '2021-01-01' }),
  ];
}
