package dev.circlet.gateway.builds;

/** A Build as its records know it: Kubernetes uid, namespace, name, and its Organization (null if unbound). */
public record BuildRef(String uid, String namespace, String name, String organization) {}
