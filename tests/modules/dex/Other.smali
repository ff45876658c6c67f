.class final Lcom/example/Other;
.super Lcom/example/Hello;
.implements Ljava/lang/Runnable;

.field protected volatile x:J
.field static y:[B

.method public run()V
    .registers 2
    const/4 v0, 0x1
    iput v0, p0, Lcom/example/Other;->count:I
    return-void
.end method
