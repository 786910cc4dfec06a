package io.mailscope.tcp;

import io.mailscope.capture.TunnelStack;

import java.util.ArrayList;
import java.util.List;

/**
 * The tags and tunnels a connection was captured inside, outermost first, as reports name them: {@code vlan:ID},
 * {@code qinq:ID}, {@code mpls:LABEL}, {@code pppoe:SESSION}, {@code vxlan:vni=N}, {@code geneve:vni=N},
 * {@code gre}, {@code gre:key=N}, {@code erspan:session=N}, {@code gtpu:teid=N}, {@code ipip}, {@code ip6ip}.
 * Taken from the connection's first packet (MPLS labels and GTP-U TEIDs differ per direction).
 *
 * @param layers one per layer
 */
public record Tunnel(List<Layer> layers) {
    public static final Tunnel NONE = new Tunnel(List.of());

    /**
     * @param name      as listed above
     * @param endpoints the outer {@code "src -> dst"} of a layer carried over IP; null for tags, labels and PPPoE
     */
    public record Layer(String name, String endpoints) {
        @Override
        public String toString() {
            return endpoints == null ? name : name + " (" + endpoints + ")";
        }
    }

    public Tunnel {
        layers = List.copyOf(layers);
    }

    /** A copy of the decoder's current stack (made once per connection, never per packet). */
    public static Tunnel of(TunnelStack stack) {
        if (stack.depth() == 0) {
            return NONE;
        }
        List<Layer> layers = new ArrayList<>(stack.depth());
        for (int i = 0; i < stack.depth(); i++) {
            int len = stack.addressLength(i);
            String endpoints = len == 0 ? null
                    : Endpoint.of(stack.source(i), len, 0).ip() + " -> " + Endpoint.of(stack.destination(i), len, 0).ip();
            layers.add(new Layer(name(stack.kind(i), stack.id(i)), endpoints));
        }
        return new Tunnel(layers);
    }

    private static String name(TunnelStack.Kind kind, long id) {
        return switch (kind) {
            case VLAN, QINQ, MPLS, PPPOE -> kind.label() + ":" + id;
            case VXLAN, GENEVE -> kind.label() + ":vni=" + id;
            case GRE -> id == TunnelStack.NO_ID ? "gre" : "gre:key=" + id;
            case ERSPAN -> "erspan:session=" + id;
            case GTPU -> "gtpu:teid=" + id;
            case IPIP, IP6IP -> kind.label();
        };
    }

    public boolean isEmpty() {
        return layers.isEmpty();
    }

    /** The JSON {@code tunnel} array: each layer's name. */
    public List<String> names() {
        return layers.stream().map(Layer::name).toList();
    }

    /** The JSON {@code tunnel_endpoints} array: the outer addresses of each layer that has them. */
    public List<String> endpoints() {
        return layers.stream().map(Layer::endpoints).filter(e -> e != null).toList();
    }

    /** One line for text and HTML reports, e.g. {@code vlan:100 / vxlan:vni=42 (10.0.0.1 -> 10.0.0.2)}. */
    @Override
    public String toString() {
        return String.join(" / ", layers.stream().map(Layer::toString).toList());
    }
}
