package dev.circlet.gateway.rest;

import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sign-in by a header that an authenticating proxy (oauth2-proxy, an ingress with external auth)
 * sets after it has authenticated the user. Off unless the operator names the header and the proxy's
 * source addresses; then the header is believed only on connections whose TCP peer is one of those
 * addresses (never a forwarded-for header), and the user is mapped to an Organization by the
 * operator's list. The request edge turns a believed header into a credential only this process can
 * mint ({@link #stamp}); {@link ApiAuth} accepts it through {@link #caller}. An incoming credential of
 * that shape is always removed first, so a client cannot forge one.
 */
public final class ProxySignIn {
  /** The Authorization scheme of a believed proxy identity, set inside the gateway only. */
  static final String SCHEME = "CircletProxy ";
  private static final Pattern USER = Pattern.compile("[\\p{Graph}&&[^,]]{1,256}");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final String header;
  private final List<Network> trusted;
  private final Map<String, String> organizations;
  private final Set<Scope> scopes;
  private final String secret;

  private ProxySignIn(String header, List<Network> trusted, Map<String, String> organizations, Set<Scope> scopes,
      String secret) {
    this.header = header;
    this.trusted = trusted;
    this.organizations = organizations;
    this.scopes = scopes;
    this.secret = secret;
  }

  /** The mode when the operator configures nothing: no header is ever believed. */
  public static ProxySignIn off() {
    return new ProxySignIn(null, List.of(), Map.of(), Set.of(), null);
  }

  /**
   * The mode from the gateway's settings: {@code header} names the proxy's user header,
   * {@code trustedProxies} lists addresses or CIDR ranges, {@code users} maps a user (or
   * {@code *@domain}) to an Organization as {@code user=organization}, and {@code scopes} is what a
   * signed-in user may do (read, write). Without a header the mode is off; a header without trusted
   * proxies, a mapping or a scope is a configuration error.
   */
  public static ProxySignIn of(Optional<String> header, List<String> trustedProxies, List<String> users,
      List<String> scopes) {
    String name = header.map(String::trim).filter(h -> !h.isEmpty()).orElse(null);
    if (name == null) {
      return off();
    }
    if (!name.matches("[A-Za-z0-9-]{1,64}") || name.equalsIgnoreCase("Authorization")) {
      throw new IllegalArgumentException("circlet.gateway.proxy-auth.header must be a header name other than"
          + " Authorization, got '" + name + "'");
    }
    List<Network> networks = new ArrayList<>();
    for (String cidr : trustedProxies) {
      if (!cidr.isBlank()) {
        networks.add(Network.parse(cidr.trim()));
      }
    }
    if (networks.isEmpty()) {
      throw new IllegalArgumentException("circlet.gateway.proxy-auth.trusted-proxies must list the proxy's addresses"
          + " when circlet.gateway.proxy-auth.header is set");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (String entry : users) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.lastIndexOf('=');
      String user = eq < 0 ? "" : entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String org = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (user.isEmpty() || org.isEmpty() || !USER.matcher(user).matches()) {
        throw new IllegalArgumentException("circlet.gateway.proxy-auth.users entries are user=organization or"
            + " *@domain=organization, got '" + entry + "'");
      }
      map.put(user, org);
    }
    if (map.isEmpty()) {
      throw new IllegalArgumentException("circlet.gateway.proxy-auth.users must map users to Organizations");
    }
    Set<Scope> granted = scopes.stream().map(String::trim).filter(s -> !s.isEmpty()).map(Scope::parse)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    if (granted.isEmpty() || granted.contains(Scope.ADMIN)) {
      throw new IllegalArgumentException("circlet.gateway.proxy-auth.scopes is read and/or write (tokens are"
          + " minted with an admin token), got " + scopes);
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return new ProxySignIn(name, List.copyOf(networks), Map.copyOf(map), granted, HexFormat.of().formatHex(random));
  }

  public boolean enabled() {
    return header != null;
  }

  /** The header the proxy sets, or null when the mode is off. */
  public String header() {
    return header;
  }

  /**
   * What the request edge sets as the Authorization header of a request whose TCP peer is
   * {@code peer} and whose proxy header is {@code user}; null when the header is not believed (mode
   * off, no header, a peer that is not a trusted proxy, or a value that is not a user name).
   */
  public String stamp(String peer, String user) {
    if (!enabled() || user == null || peer == null || trusted.stream().noneMatch(n -> n.contains(peer))) {
      return null;
    }
    String u = user.trim();
    if (!USER.matcher(u).matches()) {
      return null;
    }
    return SCHEME + secret + " " + u;
  }

  /** Whether {@code authorization} has the shape of a proxy credential (removed from incoming requests). */
  public static boolean isProxyCredential(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, SCHEME.trim(), 0, SCHEME.trim().length());
  }

  /**
   * The caller a stamped credential names; null when {@code authorization} is not one minted by this
   * process. A believed user without a mapping is 403: the proxy vouched for them, Circlet does not
   * know their Organization.
   */
  public ApiTokens.Holder caller(String authorization) {
    if (!enabled() || !isProxyCredential(authorization)) {
      return null;
    }
    String rest = authorization.substring(SCHEME.length());
    int space = rest.indexOf(' ');
    if (space < 0 || !MessageDigest.isEqual(rest.substring(0, space).getBytes(StandardCharsets.UTF_8),
        secret.getBytes(StandardCharsets.UTF_8))) {
      return null;
    }
    String user = rest.substring(space + 1);
    String org = organization(user);
    if (org == null) {
      throw ApiProblem.forbidden("the user " + user + " is not mapped to an Organization");
    }
    return new ApiTokens.Holder(0, org, "proxy:" + user, scopes);
  }

  /** The Organization of {@code user}: an exact entry first, then {@code *@domain}. */
  String organization(String user) {
    String u = user.toLowerCase(Locale.ROOT);
    String exact = organizations.get(u);
    if (exact != null) {
      return exact;
    }
    int at = u.lastIndexOf('@');
    return at < 0 ? null : organizations.get("*" + u.substring(at));
  }

  /** An address range: an IPv4 or IPv6 literal with an optional prefix length. */
  record Network(byte[] address, int prefix) {
    static Network parse(String cidr) {
      int slash = cidr.indexOf('/');
      String host = slash < 0 ? cidr : cidr.substring(0, slash);
      byte[] addr = literal(host);
      if (addr == null) {
        throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR range");
      }
      int prefix = addr.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > addr.length * 8) {
          throw new IllegalArgumentException("'" + cidr + "' has a bad prefix length");
        }
      }
      return new Network(addr, prefix);
    }

    boolean contains(String peer) {
      byte[] p = literal(peer);
      if (p != null && p.length == 16 && address.length == 4 && isMappedV4(p)) {
        p = java.util.Arrays.copyOfRange(p, 12, 16);
      }
      if (p == null || p.length != address.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((p[bit / 8] & mask) != (address[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    private static boolean isMappedV4(byte[] a) {
      for (int i = 0; i < 10; i++) {
        if (a[i] != 0) {
          return false;
        }
      }
      return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** The bytes of an address literal, or null; never a name lookup. */
    static byte[] literal(String host) {
      String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      boolean v4 = IPV4.matcher(h).matches();
      if (!v4 && !IPV6.matcher(h).matches()) {
        return null;
      }
      if (v4 && java.util.Arrays.stream(h.split("\\.")).anyMatch(o -> Integer.parseInt(o) > 255)) {
        return null; // else InetAddress would look the string up as a host name
      }
      try {
        return InetAddress.getByName(h).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }
}
