package org.waypost.console;

/**
 * The console's start page: one section for each role held, with what waits for this operator.
 *
 * @param incidents abuse incidents listed (security), the newest up to the list's limit
 * @param revealable of those, how many whose address can still be revealed
 * @param awaitingDecision pending legal requests this operator may decide (privacy): filed by
 *     someone else
 * @param awaitingExecution approved legal requests not yet executed (legal)
 */
public record DashboardPage(
    ConsolePage console,
    int incidents,
    int revealable,
    int awaitingDecision,
    int awaitingExecution) {}
