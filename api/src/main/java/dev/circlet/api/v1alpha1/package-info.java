/** Circlet's custom resources, API group {@code ci.circlet.dev}, version {@code v1alpha1}. */
package dev.circlet.api.v1alpha1;
