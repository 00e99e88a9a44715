# Lync Server Management Shell script written by rpp plan.
# golden test
# Safe to run twice: each New-Cs... and Remove-Cs... runs only when its Get-Cs... check says it is still to do.
$ErrorActionPreference = 'Stop'

# Step 1: Create the multiple-computer trusted application pool rpp.tailspin.com, registered with lync.tailspin.com
if (-not (Get-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:rpp.tailspin.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationPool -Identity 'rpp.tailspin.com' -Registrar 'lync.tailspin.com' -Site ((Get-CsSite -Identity 'site:Main').SiteId) -ComputerFqdn 'rmx.tailspin.com' -RequiresReplication $false -ThrottleAsServer $true -TreatAsAuthenticated $true
}

# Step 2: Add computer dma.tailspin.com to trusted application pool rpp.tailspin.com
if (-not (Get-CsTrustedApplicationComputer -Identity 'dma.tailspin.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationComputer -Identity 'dma.tailspin.com' -Pool 'rpp.tailspin.com'
}

# Step 3: Create trusted application video in pool rpp.tailspin.com on port 5061 (Lync assigns the pool its Service GRUU)
if (-not (Get-CsTrustedApplication -Identity 'rpp.tailspin.com/urn:application:video' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplication -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.tailspin.com' -Port 5061
}

# Step 4: Create trusted application endpoint sip:rpp@tailspin.com in pool rpp.tailspin.com (application video): the RMX's ICE identity
if (-not (Get-CsTrustedApplicationEndpoint -Identity 'sip:rpp@tailspin.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationEndpoint -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.tailspin.com' -SipAddress 'sip:rpp@tailspin.com'
}

# Step 5: Add a static route: requests for meet.tailspin.com to dma.tailspin.com:5061 over TLS (the traditional workflow)
if (-not (@((Get-CsStaticRoutingConfiguration -Identity 'global').Route | Where-Object { $_.MatchUri -eq 'meet.tailspin.com' -and $_.Transport.Fqdn -eq 'dma.tailspin.com' -and $_.Transport.Port -eq 5061 }).Count -gt 0)) {
    Set-CsStaticRoutingConfiguration -Identity 'global' -Route (@{Add=(New-CsStaticRoute -TLSRoute -UseDefaultCertificate $true -Destination 'dma.tailspin.com' -Port 5061 -MatchUri 'meet.tailspin.com')})
}

# Step 6: Publish the topology changes above
Enable-CsTopology

# Step 7: Read back the Service GRUU Lync assigned to pool rpp.tailspin.com: the RMX flag takes it without sip:, the DMA with sip:
$gruu7 = (Get-CsTrustedApplication -Identity 'rpp.tailspin.com/urn:application:video').ServiceGruu
if (-not $gruu7) { throw 'No Service GRUU for rpp.tailspin.com/video: publish the topology (Enable-CsTopology) and run this script again.' }
$bare7 = $gruu7 -replace '^(?i)sip:', ''
Write-Output "RMX system flag SIP_CONTACT_OVERRIDE_STR (without sip:): $bare7"
Write-Output "DMA Lync Integration, CsTrustedApplication ServiceGruu (with sip:): sip:$bare7"

# Steps 8-17 are on the RMXs and DMAs (rpp plan --format text lists their settings):
#   8. [rmx/rmx] Install the RMX's own certificate: a SAN certificate naming its signalling FQDN (never a wildcard)
#   9. [rmx/rmx] Set the SIP server and the SIP domain of the ICE identity; save, and defer the reboot the RMX asks for
#   10. [rmx/rmx] Set ICE to the new method (the trusted application endpoint sip:rpp@tailspin.com); save, and defer the reboot the RMX asks for
#   11. [rmx/rmx] Add the system flag (New Flag) SIP_CONTACT_OVERRIDE_STR: the pool's Service GRUU without sip:
#   12. [rmx/rmx] Reboot the RMX once, so the settings above take effect together
#   13. [rmx/rmx] Set conference profile lync's encryption to whenAvailable
#   14. [dma/dma] Install the DMA's certificate: a SAN certificate naming its FQDN (never a wildcard)
#   15. [dma/dma] Add the external SIP peer lync for Lync Front End pool lync.tailspin.com; on its Lync Integration tab enable CsTrustedApplication ServiceGruu and paste the Service GRUU with sip:
#   16. [dma/dma] Add the meeting rooms 6000
#   17. [rmx/rmx] Check the RMX's Active Alarms list shows no ICE alarm (such as "Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received") and its ICE status shows the Edge server
Write-Output 'Now carry out steps 8-17 on the RMXs and DMAs.'
