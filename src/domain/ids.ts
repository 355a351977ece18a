/** The ledger's ids (measures, subjects, exemptions, announcements): one rule, wherever an id enters. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
export const ID_RULE = 'lowercase letters, digits, . _ -; starting with a letter or digit; at most 128';
