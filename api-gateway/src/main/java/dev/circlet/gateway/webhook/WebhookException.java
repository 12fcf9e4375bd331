package dev.circlet.gateway.webhook;

/** A webhook request rejected before it was published: the HTTP status and a problem detail. */
public final class WebhookException extends RuntimeException {
  private final int status;
  private final String title;

  public WebhookException(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  public static WebhookException badRequest(String detail) {
    return new WebhookException(400, "Bad webhook request", detail);
  }

  public static WebhookException unauthorized(String detail) {
    return new WebhookException(401, "Webhook signature not valid", detail);
  }

  public static WebhookException tooLarge(long limit) {
    return new WebhookException(413, "Webhook payload too large", "the body exceeds " + limit + " bytes");
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
