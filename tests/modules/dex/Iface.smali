.class public interface abstract Lorg/candor/Iface;
.super Ljava/lang/Object;
