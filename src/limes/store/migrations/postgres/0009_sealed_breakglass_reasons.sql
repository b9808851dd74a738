-- Break-glass reasons are sealed from now on (AES-256-GCM under the member state's data
-- key, sealed by the service, which SQL cannot do). Reasons stored before are marked
-- here, so that they are told apart from envelopes, and `limes init`, which applies
-- this migration, seals them right after it (BreakGlassService.seal_stored_plaintext).
UPDATE breakglass_grants SET reason = 'unsealed:' || reason;
UPDATE breakglass_grants SET decision_reason = 'unsealed:' || decision_reason
    WHERE decision_reason IS NOT NULL;
