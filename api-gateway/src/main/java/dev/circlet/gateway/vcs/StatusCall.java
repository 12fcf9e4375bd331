package dev.circlet.gateway.vcs;

import java.util.Map;

/** An HTTP request to a provider's status API, as plain data: what {@link StatusRequests} builds and the sender sends. */
public record StatusCall(String method, String uri, Map<String, String> headers, String body) {}
