.class public Lcom/example/Hello;
.super Ljava/lang/Object;
.source "Hello.java"

.field private static final TAG:Ljava/lang/String; = "candor"
.field public count:I

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static main([Ljava/lang/String;)V
    .registers 3
    sget-object v0, Ljava/lang/System;->out:Ljava/io/PrintStream;
    const-string v1, "hello dex"
    invoke-virtual {v0, v1}, Ljava/io/PrintStream;->println(Ljava/lang/String;)V
    return-void
.end method

.method private native nat(IJ)J
.end method

.method abstract interface foo()V
.end method
